"""/tf_dynamic_decay: TensorFlow's min(β, (1+n)/(10+n)) against a fixed decay."""
