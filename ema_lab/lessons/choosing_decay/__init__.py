"""choosing_decay"""
