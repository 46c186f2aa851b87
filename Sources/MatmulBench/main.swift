print("MatmulBench")
