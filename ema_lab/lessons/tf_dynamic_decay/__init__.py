"""tf_dynamic_decay"""
