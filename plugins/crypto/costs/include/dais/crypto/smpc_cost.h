#pragma once
// Secure multi-party computation by additive secret sharing with Beaver triples, SPDZ-style
// (Damgård, Pastro, Smart and Zakarias, Crypto 2012): every value is split into n random shares
// that sum to it in a prime field; additions and multiplications by public constants are local;
// a multiplication x * y consumes one preprocessed triple (a, b, c = a b) and opens two masked
// values, e = x - a and d = y - b, after which each party computes its share of
// x y = c + e b + d a + e d locally.
//
// Opening is modelled two ways. All-to-all (the default): each party sends its shares of e and
// d to the other n - 1 parties, one round, 2 (n - 1) field elements per party per
// multiplication. King: each party sends its two shares to one party (the king), which sends
// the two opened values back: two rounds, 4 (n - 1) elements in all. Independent
// multiplications share their rounds.
//
// Active security (SPDZ's MACs) does not add to what an opening sends: the MAC shares stay
// local and are checked in one batch before any output (each party commits to and then opens
// one field element: two rounds). It doubles what is stored (every share and triple carries a
// MAC share) and makes preprocessing expensive. Preprocessing is costed per triple, calibrated
// to MASCOT (Keller, Orsini and Scholl, CCS 2016) as implemented in MP-SPDZ.
// plugins/crypto/costs/README.md gives the sources and the derivations.

#include <cstdint>
#include <string>
#include <vector>

#include "dais/core/result.h"

namespace dais::crypto {

enum class OpeningPattern { AllToAll, King };
enum class SmpcSecurity {
    SemiHonest,     ///< shares without MACs
    MaliciousSpdz,  ///< SPDZ MACs, checked in batch before outputs
};

struct SmpcSetup {
    int parties = 2;     ///< n >= 2
    int fieldBits = 64;  ///< prime field size, 8 to 512 bits in whole bytes
    OpeningPattern pattern = OpeningPattern::AllToAll;
    SmpcSecurity security = SmpcSecurity::MaliciousSpdz;
    int king = 0;  ///< the king party for OpeningPattern::King
};

struct SmpcConstants {
    /// Measured: MASCOT triple generation in MP-SPDZ (ot-offline.x, two parties, 200,000
    /// triples in 26.06 s, 7,676 triples/s) on AWS r5.2xlarge instances on a LAN (about 50 us
    /// latency, 5 Gbit/s), MP-SPDZ issue #857 (2023); the field's size is not stated there
    /// (MP-SPDZ's default prime has 128 bits).
    double secondsPerTripleTwoParties = 26.0556 / 200000.0;
    int calibrationFieldBits = 128;
    /// Derived: MASCOT multiplies by oblivious transfer between every pair of parties, k OTs of
    /// k-bit strings for a k-bit field, so a party's work per triple grows as (n - 1) k^2.
    double fieldBitsExponent = 2.0;
    /// Per multiplication, per party: two subtractions to mask, then two products and two
    /// additions to form the product's share.
    double localOperationsPerMultiplication = 6.0;
    int commitmentBytes = 32;  ///< a hash commitment in the MAC check
};

/// What `multiplications` independent multiplications cost online.
struct MultiplicationCost {
    int rounds = 0;
    std::vector<double> bytesSentByParty;  ///< per party, all rounds together
    double totalBytes = 0;
    double localOperationsPerParty = 0;
};

core::Result<void> validate(const SmpcSetup& setup);

/// Bytes of one field element: fieldBits / 8.
int fieldElementBytes(const SmpcSetup& setup);

core::Result<MultiplicationCost> multiplicationCost(const SmpcSetup& setup,
                                                    std::int64_t multiplications = 1,
                                                    const SmpcConstants& constants = {});

/// Wall-clock seconds each party spends generating `triples` triples (the parties work in
/// parallel): secondsPerTripleTwoParties * (n - 1) * (fieldBits / 128)^2 per triple.
core::Result<double> preprocessingSeconds(const SmpcSetup& setup, std::int64_t triples,
                                          const SmpcConstants& constants = {});

/// One communication round: bytes[i][j] is what party i sends party j (0 on the diagonal).
struct SmpcRound {
    std::string label;
    std::vector<std::vector<double>> bytes;
    std::int64_t multiplications = 0;    ///< triples consumed in this round
    double localOperationsPerParty = 0;  ///< field operations after the round's messages
};

enum class DataSplit {
    ByRows,      ///< each party holds some samples, all features (horizontal)
    ByFeatures,  ///< each party holds some features of every sample (vertical); party 0 the labels
};
enum class Regression {
    Linear,    ///< squared loss
    Logistic,  ///< the sigmoid replaced by a polynomial of a given degree
};

/// Joint training of a linear model by gradient descent on data split between the parties.
struct TrainingProblem {
    std::int64_t samples = 0;
    std::int64_t features = 0;
    DataSplit split = DataSplit::ByRows;
    Regression regression = Regression::Linear;
    int sigmoidDegree = 3;       ///< logistic only, >= 1
    std::int64_t batchSize = 0;  ///< 0: full batch
    int epochs = 1;
};

/// The whole computation, round by round, for the layer to play over its links: setup rounds
/// (secret-sharing the data), then `epochs` times the rounds of `batchesPerEpoch` full batches
/// and, if the samples do not divide evenly, of one last smaller batch; then the finish rounds
/// (MAC check, opening the model). Totals are over everything.
struct TrainingPlan {
    std::vector<SmpcRound> setupRounds;
    std::vector<SmpcRound> batchRounds;
    std::int64_t batchesPerEpoch = 0;
    std::vector<SmpcRound> lastBatchRounds;  ///< empty when the batches divide the samples
    int epochs = 0;
    std::vector<SmpcRound> finishRounds;

    std::int64_t multiplicationsPerEpoch = 0;
    std::int64_t roundsPerEpoch = 0;
    std::int64_t triples = 0;     ///< = all multiplications
    std::int64_t inputMasks = 0;  ///< MaliciousSpdz: one preprocessed mask per input value
    std::int64_t totalRounds = 0;
    double totalBytes = 0;
    std::vector<double> bytesSentByParty;  ///< per party, everything
    double localOperationsPerParty = 0;
    double preprocessingSeconds = 0;       ///< the triples, per party, in parallel
    double preprocessedBytesPerParty = 0;  ///< stored triples (and MACs)
};

/// Per batch: the predictions X w (samples x features multiplications, one opening); for
/// logistic regression the sigmoid's powers (ceil(log2 degree) openings, degree - 1
/// multiplications per sample; coefficients are public); the gradient X^T (p - y) (samples x
/// features multiplications, one opening); the update is local. Fixed-point truncation is not
/// counted (local for two parties, as in SecureML).
core::Result<TrainingPlan> trainingPlan(const TrainingProblem& problem, const SmpcSetup& setup,
                                        const SmpcConstants& constants = {});

}  // namespace dais::crypto
