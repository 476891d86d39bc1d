// The rows of the threat view. The texts state what each observer sees under the model the
// layer implements (an honest-but-curious server; the network carries messages as they are,
// with no transport encryption of its own).
#include "threat_view.h"

#include <string>

namespace dais::layers::crypto {

void writeThreats(const ThreatFacts& f, core::TableWriter& out) {
    const bool secagg = f.sessions > 0;
    std::string collusion = "-";
    if (secagg) {
        collusion = "the server with up to " + std::to_string(f.threshold - 1) + " of " +
                    std::to_string(f.parties) + " parties learns nothing of another's input";
        if (f.plus)
            collusion += " (SecAgg+: within each neighbourhood of " +
                         std::to_string(f.neighbours + 1) +
                         ", as long as more than half of it is honest)";
    }
    auto row = [&](const char* observer, const char* protection, const char* without,
                   const char* with, bool inRun, const std::string& threshold) {
        out.row()
            .text(observer)
            .text(protection)
            .text(without)
            .text(with)
            .flag(inRun)
            .text(threshold);
    };
    row("the server", "secure aggregation", "every party's input (a client's model update)",
        "the sum of the inputs that got through, and whose they are", secagg, collusion);
    row("an eavesdropper on a party's link", "secure aggregation", "the party's input",
        "public keys, sealed shares and a masked input that is uniformly random without the "
        "masks",
        secagg, "-");
    row("another party", "secure aggregation",
        "nothing of the others' inputs (they go to the server)",
        "its neighbours' public keys and the shares sealed to it, one share of each secret: "
        "nothing of their inputs",
        secagg, collusion);
    row("the server, after a dropout", "secure aggregation", "-",
        "the dropped party's mask key (rebuilt from shares), never its self mask: its input "
        "stays hidden even if it arrives late",
        secagg, "-");
    const std::string fhe = "ciphertexts under " + std::to_string(f.fheSecurityBits) +
                            "-bit security: neither the input nor the answer";
    row("a compute provider", "homomorphic encryption", "the client's input and the answer",
        fhe.c_str(), f.encryptedInference, "only the client holds the secret key");
    row("an eavesdropper on a client's link", "homomorphic encryption",
        "the client's input and the answer", fhe.c_str(), f.encryptedInference, "-");
    std::string smpcCollusion = "-";
    if (f.smpcParties > 0)
        smpcCollusion = "up to " + std::to_string(f.smpcParties - 1) + " of " +
                        std::to_string(f.smpcParties) +
                        " parties together learn nothing beyond their own data and the model" +
                        (f.smpcMacs ? "; a party that deviates is caught (SPDZ MACs)"
                                    : "; a party that deviates goes unseen (no MACs)");
    row("another party of a joint training", "multi-party computation",
        "the other parties' data, once pooled",
        "random shares of every value and masked openings: nothing of the others' data, only "
        "the trained model",
        f.smpcParties > 0, smpcCollusion);
}

}  // namespace dais::layers::crypto
