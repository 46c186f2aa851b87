print("load bench placeholder")
