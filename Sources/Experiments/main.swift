print("Experiments")
