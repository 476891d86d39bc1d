// Encrypted inference requests: arrival, encryption at the client, the ciphertexts to the
// provider, evaluation there, the result back, decryption.
#include "fhe_inference.h"

#include <cmath>

namespace dais::layers::crypto {

namespace costs = dais::crypto;

core::Result<std::unique_ptr<FheInference>> FheInference::make(core::SimNodeRuntime& runtime,
                                                               sim::Simulation& sim,
                                                               core::NodeDisplay display,
                                                               sim::RngStream rng,
                                                               Settings settings, Handles handles) {
    auto cost = costs::encryptedInference(settings.model, settings.parameters, settings.options);
    if (!cost) return cost.error();
    return std::unique_ptr<FheInference>(new FheInference(
        runtime, sim, display, rng, std::move(settings), handles, std::move(cost.value())));
}

FheInference::FheInference(core::SimNodeRuntime& runtime, sim::Simulation& sim,
                           core::NodeDisplay display, sim::RngStream rng, Settings settings,
                           Handles handles, costs::EncryptedInference cost)
    : runtime_(&runtime),
      sim_(&sim),
      display_(display),
      rng_(rng),
      s_(std::move(settings)),
      h_(handles),
      cost_(std::move(cost)) {
    // In the clear: two FLOPs a multiply-add, one an activation's comparison or polynomial term.
    plainFlops_ = 2.0 * static_cast<double>(s_.model.multiplyAdds) +
                  static_cast<double>(s_.model.reluActivations) +
                  static_cast<double>(s_.model.polynomialActivations) *
                      std::max(1, s_.model.polynomialDegree);
    up_.open(runtime.transport(), "fhe.ciphertexts", &FheInference::onUpload, this,
             &FheInference::onLost);
    down_.open(runtime.transport(), "fhe.result", &FheInference::onDownload, this,
               &FheInference::onLost);
}

void FheInference::begin() {
    if (s_.rate <= 0 || s_.clients.empty() || s_.providers.empty()) return;
    scheduleNext(s_.start);
}

void FheInference::scheduleNext(sim::SimTime after) {
    sim::SimTime at;
    if (!sim::addTime(after, sim::fromSeconds(rng_.exponential(1.0 / s_.rate)), at)) return;
    if (s_.stop > 0 && at >= s_.stop) return;
    const auto client = static_cast<std::uint32_t>(rng_.below(s_.clients.size()));
    // Until it fires nothing holds the request: its client is the timer's node.
    if (node(s_.clients[client]).at(at, &FheInference::onArrival, this, client) == 0)
        scheduleNext(at);  // the client is down: the next arrival
}

void FheInference::onArrival(void* self, sim::NodeIndex, std::uint64_t data) {
    auto& f = *static_cast<FheInference*>(self);
    f.scheduleNext(f.sim_->now());
    const std::uint64_t id = f.next_++;
    Request r;
    r.client = static_cast<std::uint32_t>(data);
    r.provider = static_cast<std::uint32_t>(f.rng_.below(f.s_.providers.size()));
    r.arrived = f.sim_->now();
    f.requests_.emplace(id, r);
    f.sim_->metrics().add(f.h_.requests, 1);
    f.display_.state(f.s_.clients[r.client], f.h_.encrypting);
    f.work(id, f.s_.clients[r.client], f.cost_.clientEncryptSeconds);
}

void FheInference::work(std::uint64_t id, sim::NodeIndex where, double referenceSeconds) {
    const core::NodeContext n = node(where);
    const double speed = n.speed(core::NodeCompute::Unit::Cpu);
    if (referenceSeconds > 0 && speed > 0) {
        if (n.compute(referenceSeconds * s_.referenceFlops, core::NodeCompute::Unit::Cpu,
                      &FheInference::onDone, this, id) != 0)
            return;
    } else if (n.after(speed > 0 ? 0 : sim::fromSeconds(std::max(0.0, referenceSeconds)),
                       &FheInference::onTimer, this, id) != 0) {
        return;
    }
    requests_.erase(id);  // the node is down: the request is lost
}

void FheInference::onDone(void* self, const core::NodeCompute::Finished& f) {
    auto& s = *static_cast<FheInference*>(self);
    if (!f.completed) {
        s.requests_.erase(f.data);
        return;
    }
    s.worked(f.data);
}

void FheInference::onTimer(void* self, sim::NodeIndex, std::uint64_t data) {
    static_cast<FheInference*>(self)->worked(data);
}

void FheInference::worked(std::uint64_t id) {
    const auto it = requests_.find(id);
    if (it == requests_.end()) return;
    Request& r = it->second;
    const sim::NodeIndex client = s_.clients[r.client], provider = s_.providers[r.provider];
    sim::Metrics& m = sim_->metrics();
    switch (r.step) {
        case Step::Encrypting: {
            display_.clear(client);
            // The evaluation keys go with a client's first request to a provider.
            const std::uint64_t pair = (std::uint64_t{r.client} << 32) | r.provider;
            double bytes = cost_.uploadBytes;
            if (keysSent_.insert(pair).second) {
                bytes += cost_.evaluationKeyBytes;
                m.add(h_.keyBytes, cost_.evaluationKeyBytes);
            }
            const auto wire = static_cast<std::uint64_t>(std::llround(bytes));
            m.add(h_.bytes, static_cast<double>(wire));
            r.step = Step::Evaluating;
            if (node(client).send(up_, provider, wire, Ciphertexts{id}) == 0) requests_.erase(it);
            break;
        }
        case Step::Evaluating: {
            display_.clear(provider);
            const auto wire = static_cast<std::uint64_t>(std::llround(cost_.downloadBytes));
            m.add(h_.bytes, static_cast<double>(wire));
            r.step = Step::Decrypting;
            if (node(provider).send(down_, client, wire, Ciphertexts{id}) == 0) requests_.erase(it);
            break;
        }
        case Step::Decrypting:
            display_.clear(client);
            m.add(h_.done, 1);
            m.observe(h_.latency, sim::toSeconds(sim_->now() - r.arrived));
            requests_.erase(it);
            break;
    }
}

void FheInference::onUpload(void* self, const sim::Delivery& d, Ciphertexts& c) {
    auto& f = *static_cast<FheInference*>(self);
    if (f.requests_.count(c.request) == 0) return;
    f.display_.state(d.to, f.h_.evaluating);
    const double speed = f.node(d.to).speed(core::NodeCompute::Unit::Cpu);
    // The provider's time for this evaluation, and for the same inference in the clear.
    const double seconds =
        speed > 0 ? f.cost_.serverSeconds * f.s_.referenceFlops / speed : f.cost_.serverSeconds;
    const double plain = f.plainFlops_ / (speed > 0 ? speed : f.s_.referenceFlops);
    f.sim_->metrics().observe(f.h_.providerTime, seconds);
    if (plain > 0) f.sim_->metrics().observe(f.h_.slowdown, seconds / plain);
    f.work(c.request, d.to, f.cost_.serverSeconds);
}

void FheInference::onDownload(void* self, const sim::Delivery& d, Ciphertexts& c) {
    auto& f = *static_cast<FheInference*>(self);
    if (f.requests_.count(c.request) == 0) return;
    f.display_.state(d.to, f.h_.encrypting);
    f.work(c.request, d.to, f.cost_.clientDecryptSeconds);
}

void FheInference::onLost(void* self, const sim::Loss&, Ciphertexts& c) {
    static_cast<FheInference*>(self)->requests_.erase(c.request);
}

}  // namespace dais::layers::crypto
