"""Model-agnostic building blocks shared by the credit scorecard and the anomaly model."""
