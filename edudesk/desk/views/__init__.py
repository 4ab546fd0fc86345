"""Desk views, one module per screen: sign-in, queues, the ticket, actions, consultations, search."""
