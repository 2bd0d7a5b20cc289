"""What the pipeline's stages are measured against: the engine's limit and what a user would write."""
