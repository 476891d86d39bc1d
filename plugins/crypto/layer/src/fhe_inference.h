#pragma once
// Encrypted inference on untrusted providers, played over the simulated network: clients send
// their input encrypted under CKKS or BFV to a provider that holds a model, the provider
// evaluates the model on the ciphertext without ever seeing the input or the result, and the
// client decrypts the answer. The operation counts, times and ciphertext sizes come from the
// cost model (dais/crypto/fhe_workloads.h); the messages cross the network at those sizes
// (with the evaluation keys on a client's first request to a provider), the provider's work
// runs on its CPU, shared with its other work, and the same inference in the clear is timed
// beside it for the slowdown.

#include <cstdint>
#include <memory>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "dais/core/message_channel.h"
#include "dais/core/node_context.h"
#include "dais/core/sim_node_runtime.h"
#include "dais/crypto/fhe_workloads.h"
#include "dais/crypto/model_operations.h"
#include "dais/sim/rng.h"

namespace dais::layers::crypto {

class FheInference {
  public:
    struct Settings {
        std::vector<sim::NodeIndex> clients, providers;
        double rate = 0;  ///< requests per second from all clients together (Poisson)
        sim::SimTime start = 0, stop = 0;  ///< stop 0: until the run ends
        dais::crypto::ModelOperations model;
        dais::crypto::FheParameters parameters;
        dais::crypto::FheWorkloadOptions options;
        double referenceFlops = 0;  ///< the reference machine's CPU, FLOP/s
    };
    struct Handles {
        sim::MetricId requests, done, latency, providerTime, bytes, keyBytes, slowdown;
        sim::NodeStateCode encrypting, evaluating;
    };
    /// Costs the inference (its error, a refused parameter set, is the caller's to report).
    static core::Result<std::unique_ptr<FheInference>> make(core::SimNodeRuntime& runtime,
                                                            sim::Simulation& sim,
                                                            core::NodeDisplay display,
                                                            sim::RngStream rng, Settings settings,
                                                            Handles handles);
    void begin();

  private:
    enum class Step : std::uint8_t { Encrypting, Evaluating, Decrypting };
    struct Request {
        std::uint32_t client = 0, provider = 0;  // indices into the settings' lists
        sim::SimTime arrived = 0;
        Step step = Step::Encrypting;
    };
    struct Ciphertexts {
        std::uint64_t request = 0;
    };

    FheInference(core::SimNodeRuntime& runtime, sim::Simulation& sim, core::NodeDisplay display,
                 sim::RngStream rng, Settings settings, Handles handles,
                 dais::crypto::EncryptedInference cost);
    core::NodeContext node(sim::NodeIndex n) const { return core::NodeContext(*runtime_, n); }
    void scheduleNext(sim::SimTime after);
    static void onArrival(void* self, sim::NodeIndex node, std::uint64_t data);
    void work(std::uint64_t id, sim::NodeIndex where, double referenceSeconds);
    static void onDone(void* self, const core::NodeCompute::Finished& f);
    static void onTimer(void* self, sim::NodeIndex node, std::uint64_t data);
    void worked(std::uint64_t id);
    static void onUpload(void* self, const sim::Delivery& d, Ciphertexts& c);
    static void onDownload(void* self, const sim::Delivery& d, Ciphertexts& c);
    static void onLost(void* self, const sim::Loss& l, Ciphertexts& c);

    core::SimNodeRuntime* runtime_;
    sim::Simulation* sim_;
    core::NodeDisplay display_;
    sim::RngStream rng_;
    Settings s_;
    Handles h_;
    dais::crypto::EncryptedInference cost_;
    double plainFlops_ = 0;
    core::MessageChannel<Ciphertexts> up_, down_;
    std::unordered_map<std::uint64_t, Request> requests_;
    std::unordered_set<std::uint64_t> keysSent_;  // (client, provider) pairs
    std::uint64_t next_ = 1;
};

}  // namespace dais::layers::crypto
