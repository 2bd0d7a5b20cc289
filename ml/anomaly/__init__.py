"""Anomaly model: account-day features of trading and fund flows, an isolation forest, daily alerts."""
