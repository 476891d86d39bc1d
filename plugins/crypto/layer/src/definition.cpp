// The privacy layer's one declaration: every parameter bound to its Config field, every choice to
// its enum, every metric to its handle (config.h).
#include <string>

#include "config.h"
#include "dais/crypto/fhe_cost.h"
#include "dais/crypto/smpc_cost.h"
#include "dais/crypto/zkp_cost.h"

namespace dais::layers::crypto {

const Definition& definition() {
    static const Definition definition = [] {
        Definition d("crypto", "Privacy cryptography", "0.2.0");
        d.summary(
            "What privacy costs a network, in time and bytes, and what it protects against. "
            "Secure aggregation runs for real: X25519 key agreement, ChaCha20 masks and Shamir "
            "shares from libsodium on the real vectors, after Bonawitz et al. (CCS 2017), or "
            "SecAgg+ (Bell et al., CCS 2020) on a sparse random graph for large cohorts; its "
            "messages cross the network with their real sizes, its computing time comes from a "
            "per-operation cost model scaled by each node's speed, and parties that drop out "
            "between its steps are unmasked around. Other layers (federated learning) sum their "
            "updates through its secure-aggregation service. It also signs, hashes and proves "
            "Merkle inclusion for other layers (the integrity service: Ed25519 keys from the run "
            "seed), and proves computations in zero knowledge for them (the proof service: costs "
            "from the Groth16, PLONK and STARK models, soundness simulated). Its own workloads "
            "play what is too costly to run for real from calibrated cost models: encrypted "
            "inference on untrusted providers (CKKS or BFV, parameter sets checked against the "
            "HomomorphicEncryption.org standard) and joint training by multi-party computation "
            "(SPDZ-style, round by round over the links). The table crypto.threats says who can "
            "see what.");
        d.provides("secure-aggregation");
        d.provides("integrity");
        d.provides("proofs");
        d.choice("secagg", &Config::protocol, SecAggProtocol::SecAgg,
                 {{"secagg", SecAggProtocol::SecAgg}, {"secagg+", SecAggProtocol::SecAggPlus}},
                 "The protocol of the secure-aggregation service: secagg (every party pairs with "
                 "every other: n - 1 masks and shares each) or secagg+ (each pairs with "
                 "`neighbours` others on a random Harary graph: O(log n) each).");
        d.integer("neighbours", &Config::neighbours, 0, "parties",
                  "secagg+: the neighbours k of each party (even; rounded down). 0 picks the "
                  "smallest even k of at least 3 log2(n) for n parties, the order of log n that "
                  "Bell et al. prove enough; at k >= n - 1 it is plain secagg.")
            .range(0, 1000000);
        d.integer("value_bits", &Config::valueBits, 40, "bits",
                  "Bits of one quantised value, sign included: a value v travels as round(v x "
                  "scale) (the scale comes from the caller: federated's secure_scale) and "
                  "saturates beyond this range (counted in crypto.saturated_values). The ring "
                  "adds ceil(log2 n) bits so the sum of n never wraps; it must fit in 64.")
            .range(2, 63);
        d.duration("step_timeout", &Config::stepTimeout, "30s",
                   "How long the server waits for the parties at each step (keys, shares, "
                   "unmasking) before it goes on with those that answered; masked inputs are "
                   "awaited until the caller closes the session or its deadline.")
            .range(1e-6, 1e9);
        d.real("dropout", &Config::dropout, 0.0, "",
               "Share of the parties of every session that vanish at dropout_step, beyond the "
               "network's own faults (each party independently with this probability).")
            .range(0, 1);
        d.choice("dropout_step", &Config::dropoutStep, DropoutStep::Mask,
                 {{"advertise", DropoutStep::Advertise},
                  {"share", DropoutStep::Share},
                  {"mask", DropoutStep::Mask},
                  {"unmask", DropoutStep::Unmask}},
                 "When dropping parties vanish: before advertising keys, before sharing them, "
                 "after sharing (before the masked input: their masks must be removed), or after "
                 "the masked input (before unmasking).");
        d.real("reference_gflops", &Config::referenceGflops, 50, "GFLOP/s",
               "The CPU speed of the machine the operation costs were measured on: on a node with "
               "resources.cpu_gflops, an operation takes its cost x reference_gflops / "
               "cpu_gflops, sharing the CPU with the node's other work; a node without takes the "
               "cost as it is.")
            .range(1e-6, 1e9);
        // Measured with `dais bench crypto` on a 2-core AMD EPYC virtual machine (Debian 12,
        // libsodium 1.0.18); plugins/crypto/README.md lists them.
        const auto cost = [&](const char* name, double Config::*field, double def,
                              const char* what) {
            d.real(name, field, def, "s",
                   std::string("Seconds on the reference machine for ") + what + ".")
                .range(0, 1e3);
        };
        cost("cost_keypair", &Config::costKeyPair, 3.0e-5, "an X25519 key pair");
        cost("cost_agreement", &Config::costAgreement, 3.3e-5,
             "an X25519 key agreement with its BLAKE2b key derivation");
        cost("cost_seal", &Config::costSeal, 6.6e-7,
             "sealing or opening one party's pair of shares (ChaCha20-Poly1305, 72 bytes)");
        cost("cost_share_term", &Config::costShareTerm, 5.1e-9,
             "one term of a Shamir polynomial (a multiply-add in GF(2^64 - 59))");
        cost("cost_interpolation", &Config::costInterpolation, 6.5e-9,
             "one Lagrange interpolation term in GF(2^64 - 59)");
        cost("cost_mask_word", &Config::costMaskWord, 4.2e-9,
             "one 64-bit mask word: ChaCha20 key stream added to the vector");
        cost("cost_input_word", &Config::costInputWord, 2.3e-9,
             "quantising one value, or adding one masked value to the server's sum");
        // The integrity service's Ed25519 (libsodium), timed on the same machine;
        // plugins/crypto/layer/README.md lists them.
        cost("cost_sign", &Config::costSign, 1.5e-5,
             "an Ed25519 signature of a short message (the integrity service)");
        cost("cost_verify", &Config::costVerify, 4.4e-5,
             "verifying an Ed25519 signature of a short message (the integrity service)");

        // The proof service.
        d.choice("proof_system", &Config::proofSystem, core::ProofService::System::Plonk,
                 {{"groth16", core::ProofService::System::Groth16},
                  {"plonk", core::ProofService::System::Plonk},
                  {"stark", core::ProofService::System::Stark}},
                 "The proof system of the proof service, for statements that name none: groth16 "
                 "(128-byte proofs, a trusted setup per circuit), plonk (480 bytes, a universal "
                 "setup) or stark (about 100 KB, no trusted setup, the fastest prover); costs "
                 "from the ZKP models of plugins/crypto/costs.");
        // The cost models' calibrated constants, each as its cited default
        // (plugins/crypto/costs/README.md), for a scenario to override.
        const auto constant = [&](const char* name, double Config::*field, double def,
                                  const char* what) {
            d.real(name, field, def, "s", what).range(0, 1e6);
        };
        constant("zkp_groth16_seconds", &Config::zkpGroth16Seconds,
                 dais::crypto::Groth16Constants{}.proverSecondsPerConstraint,
                 "Groth16 prover seconds per R1CS constraint (derived from the PLONK paper's "
                 "benchmark by its exponentiation counts).");
        constant("zkp_plonk_seconds", &Config::zkpPlonkSeconds,
                 dais::crypto::PlonkConstants{}.proverSecondsPerGate,
                 "PLONK prover seconds per gate (the PLONK paper's benchmark: 22.83 s for 2^20 "
                 "gates).");
        constant("zkp_stark_seconds", &Config::zkpStarkSeconds,
                 dais::crypto::StarkConstants{}.proverSecondsPerConstraintLog,
                 "STARK prover seconds per constraint and log2 of the trace length (Winterfell's "
                 "published table).");
        constant("fhe_ntt_seconds", &Config::fheNttSeconds,
                 dais::crypto::FheCostConstants{}.nttSecondsPerNLogN,
                 "FHE: seconds per N log2 N of one number-theoretic transform on one prime "
                 "(OpenFHE's published benchmark).");
        constant("fhe_product_seconds", &Config::fheProductSeconds,
                 dais::crypto::FheCostConstants{}.productSecondsPerCoefficient,
                 "FHE: seconds per coefficient of a modular product (OpenFHE's published "
                 "benchmark).");
        constant("fhe_bootstrap_seconds", &Config::fheBootstrapSeconds,
                 dais::crypto::FheCostConstants{}.bootstrapSeconds,
                 "FHE: seconds to bootstrap a CKKS ciphertext at N = 65,536 (Bossuat et al., "
                 "Eurocrypt 2021), scaled by N log2 N.");
        constant("smpc_triple_seconds", &Config::smpcTripleSeconds,
                 dais::crypto::SmpcConstants{}.secondsPerTripleTwoParties,
                 "SMPC: seconds per Beaver triple between two parties in a 128-bit field (a "
                 "published MASCOT measurement in MP-SPDZ), scaled by the parties and the "
                 "field's size.");
        d.real("proof_reference_gflops", &Config::proofReferenceGflops, 100, "GFLOP/s",
               "The CPU speed, in reference_gflops' terms, of the machine the ZKP models' times "
               "were measured on: PLONK's (and Groth16's, derived from it) on a 4-core Intel Core "
               "i7-8650U laptop, 100 at the 25 GFLOP/s a core that reference_gflops gives the "
               "2-core machine of the other costs; the STARK's on an 8-core Core i9-9980HK, "
               "taken as twice this. A proof of t seconds is t x that speed of work: on a node "
               "with resources.cpu_gflops it takes t x speed / cpu_gflops.")
            .range(1e-6, 1e9);

        // Encrypted inference.
        d.real("fhe_rate", &Config::fheRate, 0.0, "requests/s",
               "Encrypted inference: requests a second from all the clients together (Poisson); 0 "
               "runs none. Each client encrypts its input, a provider evaluates its model on the "
               "ciphertext and the client decrypts the result.")
            .range(0, 1e9);
        d.text("fhe_client_role", &Config::fheClientRole, "client", "",
               "Encrypted inference: nodes of this role send requests, each from one picked "
               "uniformly.");
        d.text("fhe_provider_role", &Config::fheProviderRole, "provider", "",
               "Encrypted inference: nodes of this role hold the model and evaluate it, each "
               "request on one picked uniformly.");
        d.text("fhe_model", &Config::fheModel, "64,32,10", "",
               "Encrypted inference: the model's dense layer widths, input first "
               "(\"784,128,10\").");
        d.choice("fhe_activation", &Config::fheActivation, dais::crypto::Activation::Polynomial,
                 {{"polynomial", dais::crypto::Activation::Polynomial},
                  {"none", dais::crypto::Activation::None}},
                 "Encrypted inference: the activation after every layer but the last: a "
                 "polynomial of degree fhe_degree (ReLU has no homomorphic form), or none.");
        d.integer("fhe_degree", &Config::fheDegree, 2, "",
                  "Encrypted inference: the activation polynomial's degree (2: the square, as "
                  "CryptoNets).")
            .range(1, 64);
        d.choice("fhe_scheme", &Config::fheScheme, dais::crypto::FheScheme::Ckks,
                 {{"ckks", dais::crypto::FheScheme::Ckks}, {"bfv", dais::crypto::FheScheme::Bfv}},
                 "Encrypted inference: CKKS (approximate real numbers, rescaling, bootstrapping) "
                 "or BFV (exact integers modulo fhe_plain_modulus, a noise budget).");
        d.integer("fhe_ring_dimension", &Config::fheRingDimension, 16384, "",
                  "Encrypted inference: the ring dimension N, a power of two: N/2 slots (CKKS), "
                  "and the security limit on the modulus.")
            .range(1024, 65536);
        d.text(
            "fhe_modulus", &Config::fheModulus, "60,40,40,40,40,40,40,60", "bits",
            "Encrypted inference: the bit sizes of the modulus chain's primes, the special "
            "(key-switching) prime last; its total must stay within the HomomorphicEncryption.org "
            "standard's limit for N at fhe_security, or the run is refused.");
        d.integer("fhe_scale_bits", &Config::fheScaleBits, 40, "bits",
                  "Encrypted inference, CKKS: log2 of the scale.")
            .range(10, 100);
        d.integer("fhe_plain_modulus", &Config::fhePlainModulus, 65537, "",
                  "Encrypted inference, BFV: the plaintext modulus t.")
            .range(2, 4.5e15);
        d.choice("fhe_security", &Config::fheSecurity, dais::crypto::HeSecurityLevel::Classical128,
                 {{"128", dais::crypto::HeSecurityLevel::Classical128},
                  {"192", dais::crypto::HeSecurityLevel::Classical192},
                  {"256", dais::crypto::HeSecurityLevel::Classical256}},
                 "Encrypted inference: the classical security level, in bits, the parameters "
                 "must reach.");
        d.flag("fhe_bootstrap", &Config::fheBootstrap, true,
               "Encrypted inference, CKKS: bootstrap when the chain runs out of levels (costed); "
               "off: refuse a model deeper than the chain.");
        d.flag("fhe_baby_steps", &Config::fheBabySteps, false,
               "Encrypted inference: evaluate the matrix products with baby and giant steps "
               "(fewer rotations and rotation keys).");
        d.duration("fhe_start", &Config::fheStart, "0s",
                   "Encrypted inference: when requests begin.")
            .range(0, 1e12);
        d.duration("fhe_stop", &Config::fheStop, "0s",
                   "Encrypted inference: when requests stop (0: until the run ends).")
            .range(0, 1e12);

        // Joint training by SMPC.
        d.text("smpc_role", &Config::smpcRole, "", "",
               "Joint training by secure multi-party computation among the nodes of this role "
               "(banks that will not show each other their data); empty runs none.");
        d.integer("smpc_samples", &Config::smpcSamples, 10000, "samples",
                  "SMPC: samples in the joint data set, all parties together.")
            .range(1, 1e12);
        d.integer("smpc_features", &Config::smpcFeatures, 20, "features",
                  "SMPC: features of every sample.")
            .range(1, 1e9);
        d.choice("smpc_split", &Config::smpcSplit, dais::crypto::DataSplit::ByRows,
                 {{"rows", dais::crypto::DataSplit::ByRows},
                  {"features", dais::crypto::DataSplit::ByFeatures}},
                 "SMPC: how the data is split: each party holds some samples (rows), or some "
                 "features of every sample (features; the first party holds the labels).");
        d.choice("smpc_regression", &Config::smpcRegression, dais::crypto::Regression::Linear,
                 {{"linear", dais::crypto::Regression::Linear},
                  {"logistic", dais::crypto::Regression::Logistic}},
                 "SMPC: the model: linear regression, or logistic regression with the sigmoid "
                 "replaced by a polynomial of degree smpc_sigmoid_degree.");
        d.integer("smpc_sigmoid_degree", &Config::smpcSigmoidDegree, 3, "",
                  "SMPC, logistic: the sigmoid polynomial's degree.")
            .range(1, 15);
        d.integer("smpc_batch", &Config::smpcBatch, 128, "samples",
                  "SMPC: samples per gradient step (0: the whole data set).")
            .range(0, 1e12);
        d.integer("smpc_epochs", &Config::smpcEpochs, 5, "epochs", "SMPC: passes over the data.")
            .range(1, 1e6);
        d.integer("smpc_field_bits", &Config::smpcFieldBits, 64, "bits",
                  "SMPC: the prime field's size (a share's size on the wire).")
            .range(8, 512);
        d.choice("smpc_security", &Config::smpcSecurity, dais::crypto::SmpcSecurity::MaliciousSpdz,
                 {{"spdz", dais::crypto::SmpcSecurity::MaliciousSpdz},
                  {"semi-honest", dais::crypto::SmpcSecurity::SemiHonest}},
                 "SMPC: SPDZ's MACs against parties that deviate (checked in batch before any "
                 "output, and costly triples), or shares alone against honest-but-curious ones.");
        d.choice("smpc_opening", &Config::smpcOpening, dais::crypto::OpeningPattern::AllToAll,
                 {{"all-to-all", dais::crypto::OpeningPattern::AllToAll},
                  {"king", dais::crypto::OpeningPattern::King}},
                 "SMPC: how masked values are opened: every party to every other in one round, or "
                 "through the first party in two.");
        d.duration("smpc_start", &Config::smpcStart, "0s", "SMPC: when the parties begin.")
            .range(0, 1e12);
        cost("cost_field_operation", &Config::costFieldOperation, 5.1e-9,
             "one field operation of the SMPC online phase (a 64-bit prime field multiply-add)");

        d.nodeState("advertising keys", "#8e6bbf",
                    "Secure aggregation, step 0: the party makes its key pairs and sends their "
                    "public halves.");
        d.nodeState("sharing keys", "#3f7fbf",
                    "Step 1: the party splits its secrets into Shamir shares and seals one pair "
                    "to each neighbour.");
        d.nodeState("masking", "#2a9d8f",
                    "Step 2: the party has its neighbours' shares and masks its input (or waits "
                    "for it).");
        d.nodeState("unmasking", "#f08a24",
                    "Step 3: the party reveals the shares that let the server remove the masks.");
        d.nodeState("dropped out", "#9a9a9a",
                    "The party left the protocol (crashed, cut off, or picked by dropout).");
        d.nodeState("encrypting", "#b5838d",
                    "Encrypted inference: the client encrypts its input or decrypts the result.");
        d.nodeState("evaluating encrypted", "#d63384",
                    "Encrypted inference: the provider evaluates its model on a ciphertext.");
        d.nodeState("preprocessing", "#7f5539",
                    "SMPC: the party generates its Beaver triples (the offline phase).");
        d.nodeState("computing jointly", "#606c38",
                    "SMPC: the party computes its share of a round's results.");
        d.nodeState("waiting for shares", "#e9d758",
                    "SMPC: the party waits for the other parties' messages of the round.");

        d.counter("crypto.secagg_sessions", &Metrics::sessions, "sessions",
                  "Secure-aggregation sessions opened.");
        d.counter("crypto.secagg_revealed", &Metrics::revealed, "sessions",
                  "Sessions that revealed their sum.");
        d.counter("crypto.secagg_aborted", &Metrics::aborted, "sessions",
                  "Sessions that aborted with fewer parties than the threshold at some step: "
                  "nothing revealed.");
        d.counter("crypto.dropouts_survived", &Metrics::dropoutsSurvived, "parties",
                  "Parties that dropped out of sessions which still revealed their sum (the "
                  "masks they left were removed).");
        d.distribution("crypto.party_time", &Metrics::partyTime, "s",
                       "A party's computing time for one session (all its steps).");
        d.counter("crypto.node_time", &Metrics::nodeTime, "s",
                  "A node's computing time for secure aggregation, summed over sessions.",
                  sim::MetricScope::Node);
        d.distribution("crypto.server_time", &Metrics::serverTime, "s",
                       "The server's computing time to unmask one session's sum.");
        d.distribution("crypto.session_time", &Metrics::sessionTime, "s",
                       "From a session's opening to its sum (or abort).");
        d.counter("crypto.protocol_bytes", &Metrics::bytes, "B",
                  "Bytes of every secure-aggregation message, masked inputs included.");
        d.distribution("crypto.expansion", &Metrics::expansion, "x",
                       "Per party and session: bytes it sent and received over its input's "
                       "bytes in the clear (value_bits a value), as Bonawitz et al. count it.");
        d.counter("crypto.saturated_values", &Metrics::saturated, "values",
                  "Values that did not fit in value_bits after scaling and were saturated.");
        d.counter("crypto.fhe_requests", &Metrics::fheRequests, "requests",
                  "Encrypted inference requests that arrived.");
        d.counter("crypto.fhe_done", &Metrics::fheDone, "requests",
                  "Encrypted inference requests whose result the client decrypted.");
        d.distribution("crypto.fhe_latency", &Metrics::fheLatency, "s",
                       "From a request's arrival to its decrypted result: encryption, upload, "
                       "evaluation, download, decryption.");
        d.distribution("crypto.fhe_provider_time", &Metrics::fheProviderTime, "s",
                       "A provider's time to evaluate the model on one ciphertext, alone on "
                       "its CPU.");
        d.distribution("crypto.fhe_slowdown", &Metrics::fheSlowdown, "x",
                       "The provider's encrypted evaluation over the same inference in the clear "
                       "on the same CPU.");
        d.counter("crypto.fhe_bytes", &Metrics::fheBytes, "B",
                  "Ciphertext bytes sent, both ways, evaluation keys included.");
        d.counter("crypto.fhe_key_bytes", &Metrics::fheKeyBytes, "B",
                  "Of them, evaluation keys (relinearisation and rotation), sent with a client's "
                  "first request to a provider.");
        d.distribution("crypto.smpc_time", &Metrics::smpcTime, "s",
                       "SMPC: from the start to the last party's end of the training.");
        d.distribution("crypto.smpc_online_time", &Metrics::smpcOnlineTime, "s",
                       "SMPC: the online phase, from the last party's end of preprocessing.");
        d.distribution("crypto.smpc_offline_time", &Metrics::smpcOfflineTime, "s",
                       "SMPC: a party's preprocessing (its Beaver triples).");
        d.counter("crypto.smpc_bytes", &Metrics::smpcBytes, "B",
                  "SMPC: bytes the parties sent each other.");
        d.counter("crypto.smpc_rounds", &Metrics::smpcRounds, "rounds",
                  "SMPC: communication rounds of a finished training.");
        d.counter("crypto.smpc_finished", &Metrics::smpcFinished, "trainings",
                  "SMPC: trainings that finished (one that a party's crash stalls does not).");

        d.table("crypto.sessions", "Secure-aggregation sessions",
                "One row per session: its parties, how many got through each step, and what it "
                "cost.")
            .integer("session", "", "Its number.")
            .node("server", "Who opened it and receives the sum.")
            .text("protocol", "secagg or secagg+.")
            .integer("parties", "", "Parties it was opened with.")
            .integer("neighbours", "parties", "Neighbours of each party (n - 1 for secagg).")
            .integer("threshold", "parties", "The fewest parties any step may go on with.")
            .integer("advertised", "parties", "Parties whose keys reached the server (U1).")
            .integer("shared", "parties", "Parties whose shares reached the server (U2).")
            .integer("masked", "parties", "Parties whose masked input reached the server (U3).")
            .integer("unmasked", "parties", "Parties that revealed their shares (U4).")
            .text("state", "keys, shares, inputs, unmasking, revealed, or aborted: why.")
            .time("opened", "When it was opened.")
            .time("ended", "When it revealed its sum or aborted (empty while under way).")
            .bytes("bytes", "Its messages' bytes, masked inputs included.")
            .real("server_time", "s", "The server's computing time to unmask.");
        d.table("crypto.threats", "Who can see what",
                "One row per observer and protection: what the observer sees without the "
                "protection and with it, whether the run uses it, and the collusion it "
                "withstands.")
            .text("observer", "Who looks: the server, an eavesdropper, another party...")
            .text("protection", "The technique.")
            .text("without", "What the observer sees without it.")
            .text("with", "What it sees with it.")
            .flag("in_run", "Whether this run uses it.")
            .text("collusion", "How many colluding parties it withstands.");
        return d;
    }();
    return definition;
}

}  // namespace dais::layers::crypto
