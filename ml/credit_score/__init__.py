"""Credit score: a point-in-time PD scorecard for margin accounts, its challenger and daily scores."""
