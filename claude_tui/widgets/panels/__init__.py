"""The side panels of the main screen: Context, Timeouts, Session (see ``side_area``)."""
