import ExperimentsKit

ExperimentsCLI.main(CommandLine.arguments)
