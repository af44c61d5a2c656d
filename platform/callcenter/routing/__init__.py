"""Pure routing core: opening hours (``schedule``) and IVR menu trees (``ivr``), no I/O."""
