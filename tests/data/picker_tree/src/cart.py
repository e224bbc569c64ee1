def cart(): pass
