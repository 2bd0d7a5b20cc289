"""Marketing spend per day, channel, campaign and agent."""
