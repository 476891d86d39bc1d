#include "dais/crypto/smpc_cost.h"

#include <algorithm>
#include <cmath>

namespace dais::crypto {

namespace {

using core::Error;

// A plan holds an n x n matrix per round: 256 parties keep it a few megabytes.
constexpr int kMaxParties = 256;
constexpr std::int64_t kMaxCount = std::int64_t{1} << 50;

using Matrix = std::vector<std::vector<double>>;

Matrix zeros(int n) {
    return Matrix(static_cast<std::size_t>(n), std::vector<double>(static_cast<std::size_t>(n)));
}

// Every party sends `bytes` to every other party.
Matrix allToAll(int n, double bytes) {
    Matrix m = zeros(n);
    for (int i = 0; i < n; ++i)
        for (int j = 0; j < n; ++j)
            if (i != j) m[static_cast<std::size_t>(i)][static_cast<std::size_t>(j)] = bytes;
    return m;
}

Matrix toKing(int n, int king, double bytes) {
    Matrix m = zeros(n);
    for (int i = 0; i < n; ++i)
        if (i != king) m[static_cast<std::size_t>(i)][static_cast<std::size_t>(king)] = bytes;
    return m;
}

Matrix fromKing(int n, int king, double bytes) {
    Matrix m = zeros(n);
    for (int j = 0; j < n; ++j)
        if (j != king) m[static_cast<std::size_t>(king)][static_cast<std::size_t>(j)] = bytes;
    return m;
}

// The rounds that open `elements` field elements per party (all-to-all: one round; king: in
// and out), the last one carrying `multiplications` and `localOps`.
std::vector<SmpcRound> openRounds(const SmpcSetup& s, const std::string& label,
                                  std::int64_t elements, std::int64_t multiplications,
                                  double localOps) {
    const double bytes = static_cast<double>(elements) * fieldElementBytes(s);
    std::vector<SmpcRound> rounds;
    if (s.pattern == OpeningPattern::AllToAll) {
        rounds.push_back({label, allToAll(s.parties, bytes), multiplications, localOps});
    } else {
        rounds.push_back({label + ": shares to the king", toKing(s.parties, s.king, bytes), 0, 0});
        rounds.push_back({label + ": opened values from the king",
                          fromKing(s.parties, s.king, bytes), multiplications, localOps});
    }
    return rounds;
}

// The rounds of `m` independent multiplications: two masked values opened per product.
std::vector<SmpcRound> multiplyRounds(const SmpcSetup& s, const SmpcConstants& c,
                                      const std::string& label, std::int64_t m,
                                      double extraLocalOps) {
    return openRounds(s, label, 2 * m, m,
                      c.localOperationsPerMultiplication * static_cast<double>(m) + extraLocalOps);
}

int treeLevels(int degree) {
    int levels = 0;
    while ((std::int64_t{1} << levels) < degree)
        ++levels;
    return levels;
}

// The rounds of one batch of `b` samples.
std::vector<SmpcRound> batchRounds(const TrainingProblem& t, const SmpcSetup& s,
                                   const SmpcConstants& c, std::int64_t b) {
    const std::int64_t d = t.features;
    const auto bd = static_cast<double>(b), dd = static_cast<double>(d);
    std::vector<SmpcRound> rounds;
    auto append = [&rounds](std::vector<SmpcRound> more) {
        for (auto& r : more)
            rounds.push_back(std::move(r));
    };
    // Predictions: b * d products, summed locally per sample.
    append(multiplyRounds(s, c, "predictions X w", b * d, bd * (dd - 1)));
    if (t.regression == Regression::Logistic) {
        const int k = t.sigmoidDegree;
        const int tree = treeLevels(k);
        for (int j = 1; j <= tree; ++j) {
            const std::int64_t powers =
                std::min<std::int64_t>(k, std::int64_t{1} << j) - (std::int64_t{1} << (j - 1));
            append(
                multiplyRounds(s, c, "sigmoid powers, level " + std::to_string(j), b * powers, 0));
        }
        // The polynomial's public coefficients: a product and an addition per power.
        rounds.back().localOperationsPerParty += 2.0 * bd * k;
    }
    // Residuals p - y (b subtractions), the gradient X^T r (b * d products, summed per
    // feature), the update w - (rate / b) g (d products by a public constant, d subtractions).
    append(multiplyRounds(s, c, "gradient X^T (p - y)", b * d, bd + dd * (bd - 1) + 2 * dd));
    return rounds;
}

void addRounds(const std::vector<SmpcRound>& rounds, double times, TrainingPlan& plan) {
    for (const SmpcRound& r : rounds) {
        for (std::size_t i = 0; i < r.bytes.size(); ++i)
            for (double b : r.bytes[i]) {
                plan.bytesSentByParty[i] += times * b;
                plan.totalBytes += times * b;
            }
        plan.localOperationsPerParty += times * r.localOperationsPerParty;
    }
}

std::int64_t multiplicationsIn(const std::vector<SmpcRound>& rounds) {
    std::int64_t m = 0;
    for (const SmpcRound& r : rounds)
        m += r.multiplications;
    return m;
}

}  // namespace

core::Result<void> validate(const SmpcSetup& s) {
    if (s.parties < 2 || s.parties > kMaxParties)
        return Error{"secret sharing needs 2 to " + std::to_string(kMaxParties) + " parties, got " +
                     std::to_string(s.parties)};
    if (s.fieldBits < 8 || s.fieldBits > 512 || s.fieldBits % 8 != 0)
        return Error{
            "the field size must be a whole number of bytes from 8 to 512 bits (e.g. "
            "64 or 128), got " +
            std::to_string(s.fieldBits)};
    if (s.pattern == OpeningPattern::King && (s.king < 0 || s.king >= s.parties))
        return Error{"the king must be one of the parties 0 to " + std::to_string(s.parties - 1) +
                     ", got " + std::to_string(s.king)};
    return {};
}

int fieldElementBytes(const SmpcSetup& s) {
    return s.fieldBits / 8;
}

core::Result<MultiplicationCost> multiplicationCost(const SmpcSetup& s,
                                                    std::int64_t multiplications,
                                                    const SmpcConstants& c) {
    if (auto ok = validate(s); !ok) return ok.error();
    if (multiplications < 1 || multiplications > kMaxCount)
        return Error{"the number of multiplications must be 1 to 2^50, got " +
                     std::to_string(multiplications)};
    if (!std::isfinite(c.localOperationsPerMultiplication) ||
        c.localOperationsPerMultiplication < 0)
        return Error{"the local operations per multiplication must be finite and >= 0"};
    MultiplicationCost cost;
    cost.bytesSentByParty.assign(static_cast<std::size_t>(s.parties), 0.0);
    for (const SmpcRound& r : multiplyRounds(s, c, "multiply", multiplications, 0)) {
        ++cost.rounds;
        for (std::size_t i = 0; i < r.bytes.size(); ++i)
            for (double b : r.bytes[i]) {
                cost.bytesSentByParty[i] += b;
                cost.totalBytes += b;
            }
        cost.localOperationsPerParty += r.localOperationsPerParty;
    }
    return cost;
}

core::Result<double> preprocessingSeconds(const SmpcSetup& s, std::int64_t triples,
                                          const SmpcConstants& c) {
    if (auto ok = validate(s); !ok) return ok.error();
    if (triples < 0)
        return Error{"the number of triples is negative (" + std::to_string(triples) + ")"};
    if (!std::isfinite(c.secondsPerTripleTwoParties) || c.secondsPerTripleTwoParties < 0)
        return Error{"the seconds per triple must be finite and >= 0"};
    if (c.calibrationFieldBits < 1)
        return Error{"the calibration field size must be positive, got " +
                     std::to_string(c.calibrationFieldBits)};
    if (!std::isfinite(c.fieldBitsExponent)) return Error{"the field-size exponent must be finite"};
    const double fieldFactor =
        std::pow(static_cast<double>(s.fieldBits) / c.calibrationFieldBits, c.fieldBitsExponent);
    return static_cast<double>(triples) * c.secondsPerTripleTwoParties * (s.parties - 1) *
           fieldFactor;
}

core::Result<TrainingPlan> trainingPlan(const TrainingProblem& t, const SmpcSetup& s,
                                        const SmpcConstants& c) {
    if (auto ok = validate(s); !ok) return ok.error();
    if (t.samples < 1 || t.features < 1)
        return Error{"training needs at least one sample and one feature, got " +
                     std::to_string(t.samples) + " samples and " + std::to_string(t.features) +
                     " features"};
    std::int64_t cells = 0;
    if (__builtin_mul_overflow(t.samples, t.features, &cells) || cells > kMaxCount)
        return Error{"samples times features is above 2^50"};
    if (t.regression == Regression::Logistic && (t.sigmoidDegree < 1 || t.sigmoidDegree > 64))
        return Error{"the sigmoid's polynomial needs a degree from 1 to 64, got " +
                     std::to_string(t.sigmoidDegree)};
    if (t.batchSize < 0 || t.batchSize > t.samples)
        return Error{"the batch size must be 0 (full batch) to the number of samples (" +
                     std::to_string(t.samples) + "), got " + std::to_string(t.batchSize)};
    if (t.epochs < 1 || t.epochs > 1000000)
        return Error{"training runs 1 to 10^6 epochs, got " + std::to_string(t.epochs)};
    if (!std::isfinite(c.localOperationsPerMultiplication) ||
        c.localOperationsPerMultiplication < 0)
        return Error{"the local operations per multiplication must be finite and >= 0"};
    if (c.commitmentBytes < 0)
        return Error{"the commitment size is negative (" + std::to_string(c.commitmentBytes) + ")"};

    const int n = s.parties;
    const int bytes = fieldElementBytes(s);
    const bool malicious = s.security == SmpcSecurity::MaliciousSpdz;
    TrainingPlan plan;
    plan.epochs = t.epochs;
    plan.bytesSentByParty.assign(static_cast<std::size_t>(n), 0.0);

    // The values each party secret-shares: its rows with their labels, or its columns (and the
    // labels for party 0).
    std::vector<std::int64_t> held(static_cast<std::size_t>(n));
    for (int i = 0; i < n; ++i) {
        if (t.split == DataSplit::ByRows) {
            const std::int64_t rows = t.samples / n + (i < t.samples % n ? 1 : 0);
            held[static_cast<std::size_t>(i)] = rows * (t.features + 1);
        } else {
            const std::int64_t columns = t.features / n + (i < t.features % n ? 1 : 0);
            held[static_cast<std::size_t>(i)] = t.samples * columns + (i == 0 ? t.samples : 0);
        }
    }
    if (malicious) {
        // SPDZ input: a preprocessed random [r] per value is opened to its owner (every other
        // party sends its share), who broadcasts x - r.
        Matrix masks = zeros(n), masked = zeros(n);
        for (int i = 0; i < n; ++i)
            for (int j = 0; j < n; ++j)
                if (i != j) {
                    const auto owner = static_cast<std::size_t>(i);
                    masks[static_cast<std::size_t>(j)][owner] =
                        static_cast<double>(held[owner]) * bytes;
                    masked[owner][static_cast<std::size_t>(j)] =
                        static_cast<double>(held[owner]) * bytes;
                }
        plan.setupRounds.push_back({"input masks opened to their owners", masks, 0, 0});
        plan.setupRounds.push_back({"masked inputs broadcast", masked, 0, 0});
        for (std::int64_t v : held)
            plan.inputMasks += v;
    } else {
        // Semi-honest: the owner sends each other party a random share of each value.
        Matrix shares = zeros(n);
        for (int i = 0; i < n; ++i)
            for (int j = 0; j < n; ++j)
                if (i != j)
                    shares[static_cast<std::size_t>(i)][static_cast<std::size_t>(j)] =
                        static_cast<double>(held[static_cast<std::size_t>(i)]) * bytes;
        plan.setupRounds.push_back({"inputs secret-shared", shares, 0, 0});
    }

    const std::int64_t batch = t.batchSize == 0 ? t.samples : t.batchSize;
    plan.batchesPerEpoch = t.samples / batch;
    plan.batchRounds = batchRounds(t, s, c, batch);
    if (const std::int64_t rest = t.samples % batch; rest > 0)
        plan.lastBatchRounds = batchRounds(t, s, c, rest);

    // Open the trained weights (every party learns them), then check the MACs of everything
    // opened before accepting it.
    for (auto& r : openRounds(s, "open the model", t.features, 0, 0))
        plan.finishRounds.push_back(std::move(r));
    if (malicious) {
        plan.finishRounds.push_back(
            {"MAC check: commitments", allToAll(n, static_cast<double>(c.commitmentBytes)), 0, 0});
        plan.finishRounds.push_back(
            {"MAC check: openings", allToAll(n, static_cast<double>(bytes)), 0, 0});
    }

    const auto batches = static_cast<double>(plan.batchesPerEpoch);
    plan.multiplicationsPerEpoch = plan.batchesPerEpoch * multiplicationsIn(plan.batchRounds) +
                                   multiplicationsIn(plan.lastBatchRounds);
    plan.roundsPerEpoch =
        plan.batchesPerEpoch * static_cast<std::int64_t>(plan.batchRounds.size()) +
        static_cast<std::int64_t>(plan.lastBatchRounds.size());
    if (__builtin_mul_overflow(plan.multiplicationsPerEpoch, std::int64_t{t.epochs}, &plan.triples))
        return Error{"the training's multiplications overflow a 64-bit count"};
    plan.totalRounds = static_cast<std::int64_t>(plan.setupRounds.size()) +
                       plan.roundsPerEpoch * t.epochs +
                       static_cast<std::int64_t>(plan.finishRounds.size());
    addRounds(plan.setupRounds, 1.0, plan);
    addRounds(plan.batchRounds, batches * t.epochs, plan);
    addRounds(plan.lastBatchRounds, static_cast<double>(t.epochs), plan);
    addRounds(plan.finishRounds, 1.0, plan);

    auto seconds = preprocessingSeconds(s, plan.triples, c);
    if (!seconds) return seconds.error();
    plan.preprocessingSeconds = *seconds;
    const double macFactor = malicious ? 2.0 : 1.0;
    plan.preprocessedBytesPerParty =
        (3.0 * static_cast<double>(plan.triples) + static_cast<double>(plan.inputMasks)) * bytes *
        macFactor;
    return plan;
}

}  // namespace dais::crypto
