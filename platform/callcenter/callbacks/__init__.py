"""In-queue callback: the caller leaves, keeps the place, and is called back by an agent."""
