"""Call recordings: tenant policy, on-demand starts, listing, playback, retention."""
