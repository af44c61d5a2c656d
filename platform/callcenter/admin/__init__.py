"""Serves ``web/admin/``: the console for tenant admins and platform operators (``/console``).

The agent console is another page: ``web/console/``, at ``/agent``.
"""
