print("TrainBench: not written yet")
