import Datasets
import Foundation
import Models
import TensorCore

/// Trains one run and evaluates it.
///
/// Training: seeded mini-batch shuffling each epoch; `swap` (or concat's `swap` mode) adds the
/// reversed copy of every training pair; `reflexive` adds `reflexive × |train|` pairs `(x, x, 1)`
/// per epoch, `x` drawn from the training pairs' items. After each epoch the validation AUC
/// decides early stopping (patience in epochs; validation log loss when the validation split has
/// one class), and the best epoch's weights are restored before the test evaluation. A NaN or
/// infinite training loss stops the run as `diverged`.
public enum Trainer {
    /// Seeds of the run's random streams, derived from the run seed.
    enum Stream: UInt64 { case weights = 1, shuffle = 2, reflexive = 3, triples = 4 }

    public static func run(_ config: RunConfig, data: PairDataset, saveWeights: Bool,
                           progress: ((Int, Double) -> Void)? = nil) throws -> RunResult {
        let root = RandomSource(seed: UInt64(config.seed))
        func streamSeed(_ s: Stream) -> UInt64 { var r = root.derived(s.rawValue); return r.next() }
        let model = try ModelFactory.make(config.model, inputDim: data.dim, seed: streamSeed(.weights))
        let t = config.training
        let optimizer: Optimizer = t.optimizer == "sgd"
            ? SGD(parameters: model.parameters, learningRate: Float(t.learningRate), momentum: Float(t.momentum), weightDecay: Float(t.weightDecay))
            : Adam(parameters: model.parameters, learningRate: Float(t.learningRate), weightDecay: Float(t.weightDecay))
        var shuffleRNG = root.derived(Stream.shuffle.rawValue)
        var reflexiveRNG = root.derived(Stream.reflexive.rawValue)
        let n = data.dim
        let bothOrders = config.augmentation.swap || config.model.trainsOnBothOrders
        let train = data.train
        let trainItems = Array(Set(train.i + train.j)).sorted()
        let reflexiveCount = Int((config.augmentation.reflexive * Double(train.count)).rounded())

        let tape = Tape()
        let validation = Evaluator.ValidationSet(data)
        var curves: [CurvePoint] = []
        var best: (score: Double, epoch: Int, weights: [[Float]])?
        var sinceBest = 0
        var pairsSeen = 0
        var finalLoss = Double.nan
        let start = DispatchTime.now().uptimeNanoseconds
        func elapsed() -> Double { Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 }

        // Entries: (left item, right item, label).
        var entries: [(Int, Int, Float)] = []
        entries.reserveCapacity(train.count * (bothOrders ? 2 : 1) + reflexiveCount)
        var epochsRun = 0
        epochLoop: for epoch in 1...t.epochs {
            entries.removeAll(keepingCapacity: true)
            for k in 0..<train.count {
                entries.append((train.i[k], train.j[k], train.label[k]))
                if bothOrders { entries.append((train.j[k], train.i[k], train.label[k])) }
            }
            if !trainItems.isEmpty {
                for _ in 0..<reflexiveCount {
                    let x = trainItems[reflexiveRNG.nextInt(below: trainItems.count)]
                    entries.append((x, x, 1))
                }
            }
            shuffleRNG.shuffle(&entries)
            var lossSum = 0.0
            var start = 0
            while start < entries.count {
                let m = min(t.batchSize, entries.count - start)
                let loss = step(model: model, optimizer: optimizer, tape: tape, data: data, n: n,
                                batch: entries[start..<(start + m)], settings: t)
                guard loss.isFinite else {
                    let metrics = [MetricValue(split: "train", name: "param_count", value: Double(model.parameterCount)),
                                   MetricValue(split: "train", name: "epochs", value: Double(epoch))]
                    return RunResult(state: .diverged, metrics: metrics, curves: curves, weights: nil,
                                     trainSeconds: elapsed(),
                                      error: "training loss became \(loss) at epoch \(epoch), pair \(start)")
                }
                lossSum += loss * Double(m)
                pairsSeen += m
                start += m
            }
            epochsRun = epoch
            finalLoss = lossSum / Double(max(entries.count, 1))
            let val = validation.score(model)
            curves.append(CurvePoint(epoch: epoch, trainLoss: finalLoss, valAUC: val.auc, valLoss: val.logLoss, elapsed: elapsed()))
            progress?(epoch, val.auc ?? .nan)
            let criterion = val.auc ?? -val.logLoss
            if best == nil || criterion > best!.score {
                let snapshot: [[Float]] = model.parameters.map { p in Array(UnsafeBufferPointer(start: p.value, count: p.count)) }
                best = (criterion, epoch, snapshot)
                sinceBest = 0
            } else {
                sinceBest += 1
                if t.patience > 0 && sinceBest >= t.patience { break epochLoop }
            }
        }
        let trainSeconds = elapsed()
        if let best {
            for (p, w) in zip(model.parameters, best.weights) { w.withUnsafeBufferPointer { p.value.update(from: $0.baseAddress!, count: p.count) } }
        }
        var metrics = Evaluator.evaluate(model: model, data: data, seed: streamSeed(.triples))
        metrics += [
            MetricValue(split: "train", name: "param_count", value: Double(model.parameterCount)),
            MetricValue(split: "train", name: "train_seconds", value: trainSeconds),
            MetricValue(split: "train", name: "pairs_per_second", value: Double(pairsSeen) / max(trainSeconds, 1e-9)),
            MetricValue(split: "train", name: "epochs", value: Double(epochsRun)),
            MetricValue(split: "train", name: "best_epoch", value: Double(best?.epoch ?? 0)),
            MetricValue(split: "train", name: "final_loss", value: finalLoss),
        ]
        let weights = saveWeights ? [UInt8](ModelFile.encode(model)) : nil
        return RunResult(state: .completed, metrics: metrics, curves: curves, weights: weights,
                         trainSeconds: trainSeconds, error: nil)
    }

    /// One optimiser step on a batch; returns the batch's mean loss.
    static func step(model: PairModel, optimizer: Optimizer, tape: Tape, data: PairDataset, n: Int,
                     batch: ArraySlice<(Int, Int, Float)>, settings t: TrainingSettings) -> Double {
        tape.reset()
        optimizer.zeroGrad()
        let m = batch.count
        let emb = data.embeddings
        let (a, b) = emb.data.withUnsafeBufferPointer { e -> (Var, Var) in
            let base = e.baseAddress!
            let a = tape.constant(rows: m, cols: n) { p in
                for (r, entry) in batch.enumerated() { (p + r * n).update(from: base + entry.0 * n, count: n) }
            }
            let b = tape.constant(rows: m, cols: n) { p in
                for (r, entry) in batch.enumerated() { (p + r * n).update(from: base + entry.1 * n, count: n) }
            }
            return (a, b)
        }
        let y = tape.constant(rows: m, cols: 1) { p in for (r, entry) in batch.enumerated() { p[r] = entry.2 } }
        let loss: Var
        if t.loss == "contrastive", let sq = model as? SharedQModel {
            let (logits, d2opt) = sq.forwardWithDistance(tape, a, b)
            let d2 = d2opt!
            // y·D² + (1−y)·max(0, m − D)², D = √(D² + ε)
            let notY = tape.constant(rows: m, cols: 1) { p in for (r, entry) in batch.enumerated() { p[r] = 1 - entry.2 } }
            let d = tape.sqrt(d2)
            let marginGap = tape.relu(tape.sub(tape.constant(rows: m, cols: 1) { p in for r in 0..<m { p[r] = Float(t.margin) } }, d))
            let contrastive = tape.mean(tape.add(tape.mul(y, d2), tape.mul(notY, tape.mul(marginGap, marginGap))))
            loss = tape.add(contrastive, tape.bceWithLogits(logits, labels: y))
        } else {
            loss = tape.bceWithLogits(model.forward(tape, a, b), labels: y)
        }
        let value = Double(tape.scalar(loss))
        guard value.isFinite else { return value }
        tape.backward(loss)
        optimizer.step()
        return value
    }
}
