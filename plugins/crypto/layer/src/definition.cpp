// The privacy layer's one declaration: every parameter bound to its Config field, every choice to
// its enum, every metric to its handle (config.h).
#include <string>

#include "config.h"

namespace dais::layers::crypto {

const Definition& definition() {
    static const Definition definition = [] {
        Definition d("crypto", "Privacy cryptography", "0.1.0");
        d.summary(
            "What privacy costs a network, in time and bytes, and what it protects against. "
            "Secure aggregation runs for real: X25519 key agreement, ChaCha20 masks and Shamir "
            "shares from libsodium on the real vectors, after Bonawitz et al. (CCS 2017), or "
            "SecAgg+ (Bell et al., CCS 2020) on a sparse random graph for large cohorts; its "
            "messages cross the network with their real sizes, its computing time comes from a "
            "per-operation cost model scaled by each node's speed, and parties that drop out "
            "between its steps are unmasked around. Other layers (federated learning) sum their "
            "updates through its secure-aggregation service.");
        d.provides("secure-aggregation");
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

        d.nodeState("advertising keys", "#8e6bbf",
                    "Secure aggregation, step 0: the party makes its key pairs and sends their "
                    "public halves.");
        d.nodeState("sharing keys", "#3f7fbf",
                    "Step 1: the party splits its secrets into Shamir shares and seals one pair "
                    "to each neighbour.");
        d.nodeState("masking", "#2a9d8f",
                    "Step 2: the party has its neighbours' shares and masks its input (or waits "
                    "for it).");
        d.nodeState("unmasking", "#e07b39",
                    "Step 3: the party reveals the shares that let the server remove the masks.");
        d.nodeState("dropped out", "#9a9a9a",
                    "The party left the protocol (crashed, cut off, or picked by dropout).");

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

        d.table("crypto.sessions", "Secure-aggregation sessions",
                "One row per session: its parties, how many got through each step, and what it "
                "cost.")
            .integer("session", "", "Its number.")
            .node("server", "Who opened it and receives the sum.")
            .text("protocol", "secagg or secagg+.")
            .integer("parties", "parties", "Parties it was opened with.")
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
        return d;
    }();
    return definition;
}

}  // namespace dais::layers::crypto
