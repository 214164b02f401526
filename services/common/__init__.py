"""Pieces the services (the officers' console, the LINE gateway) share."""
