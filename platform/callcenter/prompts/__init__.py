"""Audio prompts a tenant uploads, for IVR menus and announcements."""
