"""Market ticks: trade prints, level-1 quotes and end-of-day prices from the exchange feed vendor."""
