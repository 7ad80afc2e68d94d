"""weights_lab"""
