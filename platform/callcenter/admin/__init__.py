"""Serves ``web/admin/``: the console for tenant admins and platform operators (``/console``).

The agent console (``web/console/``, ``/agent``) is served by the screen-pop package.
"""
