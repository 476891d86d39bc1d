// Checkpoints: the federation's whole state between two rounds, in one file. Resuming from one
// runs the following rounds exactly as the original run did (same models, same metrics); a fork
// resumes with some parameters changed (a learning rate, an aggregator, more rounds).
//
// What a checkpoint holds: the round and the simulated time at which the next round starts;
// the server's state (global model, optimiser moments; fl::encodeState); the privacy
// accountant; every metric of the layer (values and distribution summaries); the parameters it
// was taken with, so that a fork lists what it changed. No random-stream positions: every draw
// is named by its round (federation.h). Clients' churn is a function of time and is walked
// again on demand. Messages in flight when the round ended (late updates) are not kept: they
// would have been ignored.
//
// The format: "DAISFLCK", a format number, then length-prefixed fields (little-endian), and an
// FNV-1a checksum of everything before it. Files are written whole and renamed into place.
// readCheckpoint() (dais/layers/federated_checkpoint.h) reads the fields back from any bytes.
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <system_error>
#include <type_traits>

#include "dais/layers/federated_checkpoint.h"
#include "federation.h"

namespace dais::layers::federated {

namespace {

constexpr char kMagic[8] = {'D', 'A', 'I', 'S', 'F', 'L', 'C', 'K'};

class Writer {
  public:
    template <class T>
    void put(T v) {
        static_assert(std::is_trivially_copyable_v<T>);
        out_.append(reinterpret_cast<const char*>(&v), sizeof v);
    }
    void text(std::string_view s) {
        put(static_cast<std::uint64_t>(s.size()));
        out_.append(s);
    }
    std::string finish() {
        put(checkpointChecksum(out_));
        return std::move(out_);
    }

  private:
    std::string out_ = std::string(kMagic, sizeof kMagic);
};

/// Reads fields; any read past the end sets ok() false (and returns zeros).
class Reader {
  public:
    explicit Reader(std::string_view bytes) : in_(bytes) {}
    template <class T>
    T get() {
        T v{};
        if (in_.size() < sizeof v) {
            ok_ = false;
            return v;
        }
        std::memcpy(&v, in_.data(), sizeof v);
        in_.remove_prefix(sizeof v);
        return v;
    }
    std::string text() {
        const auto n = get<std::uint64_t>();
        if (!ok_ || n > in_.size()) {
            ok_ = false;
            return {};
        }
        std::string s(in_.substr(0, n));
        in_.remove_prefix(n);
        return s;
    }
    bool ok() const { return ok_; }
    bool atEnd() const { return in_.empty(); }

  private:
    std::string_view in_;
    bool ok_ = true;
};

}  // namespace

void Federation::saveCheckpoint() const {
    Writer w;
    w.put(kCheckpointFormat);
    w.text(definition().descriptor().version);
    w.put(seed_);
    w.put(round_);
    w.put(sim_->now());  // the next round starts now
    w.put(static_cast<std::uint8_t>(targetReached_));
    w.text(ctx_->params().values().dump());
    w.text(fl::encodeState(strategy_->state()));
    w.text(dp_ ? accountant_.save() : std::string());
    const sim::Metrics& m = sim_->metrics();
    const sim::MetricId ids[] = {
        m_.round,         m_.accuracy,       m_.loss,         m_.p10,        m_.p50,
        m_.p90,           m_.participants,   m_.bytesDown,    m_.bytesUp,    m_.bytesServer,
        m_.stragglers,    m_.dropouts,       m_.partial,      m_.roundTime,  m_.updateNorm,
        m_.epsilon,       m_.roundsToTarget, m_.timeToTarget, m_.lossChange, m_.staleness,
        m_.serverCrashes, m_.discarded};
    w.put(static_cast<std::uint32_t>(std::size(ids)));
    for (sim::MetricId id : ids) {
        w.text(m.info(id).name);
        w.put(m.value(id));
        w.text(m.summary(id).encode());
    }
    const std::string bytes = w.finish();

    namespace fs = std::filesystem;
    const fs::path dir(cfg_.checkpointDir);
    const fs::path file =
        dir / ("seed" + std::to_string(seed_) + "-round" + std::to_string(round_) + ".dflck");
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec) ctx_->fail("checkpoint: cannot create " + dir.string() + ": " + ec.message());
    const fs::path partial = file.string() + ".part";
    {
        std::ofstream out(partial, std::ios::binary | std::ios::trunc);
        out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
        out.close();
        if (!out) ctx_->fail("checkpoint: cannot write " + partial.string());
    }
    fs::rename(partial, file, ec);
    if (ec) ctx_->fail("checkpoint: cannot rename " + partial.string() + ": " + ec.message());
    sim_->trace(server_, "federated",
                "checkpoint of round " + std::to_string(round_) + " in " + file.string());
}

std::uint64_t checkpointChecksum(std::string_view body) {
    std::uint64_t h = 0xcbf29ce484222325ull;
    for (unsigned char c : body) {
        h ^= c;
        h *= 0x100000001b3ull;
    }
    return h;
}

core::Result<Checkpoint> readCheckpoint(std::string_view bytes) {
    if (bytes.size() < sizeof kMagic + 8 || std::memcmp(bytes.data(), kMagic, sizeof kMagic) != 0)
        return core::Error{"not a federated-learning checkpoint"};
    const std::string_view body = bytes.substr(0, bytes.size() - 8);
    std::uint64_t sum = 0;
    std::memcpy(&sum, bytes.data() + body.size(), 8);
    if (sum != checkpointChecksum(body))
        return core::Error{"the file is damaged (its checksum does not match)"};

    Reader r(body.substr(sizeof kMagic));
    const auto format = r.get<std::uint32_t>();
    if (format != kCheckpointFormat)
        return core::Error{"checkpoint format " + std::to_string(format) + ", this version reads " +
                           std::to_string(kCheckpointFormat)};
    Checkpoint c;
    c.layerVersion = r.text();
    c.seed = r.get<std::uint64_t>();
    c.round = r.get<std::uint64_t>();
    c.at = r.get<sim::SimTime>();
    c.targetReached = r.get<std::uint8_t>() != 0;
    c.parameters = r.text();
    c.serverState = r.text();
    c.accountant = r.text();
    const auto metrics = r.get<std::uint32_t>();
    for (std::uint32_t i = 0; i < metrics && r.ok(); ++i) {
        Checkpoint::Metric m;
        m.name = r.text();
        m.value = r.get<double>();
        m.summary = r.text();
        if (r.ok()) c.metrics.push_back(std::move(m));
    }
    if (!r.ok() || !r.atEnd()) return core::Error{"the file is damaged (its fields do not add up)"};
    // The next round is scheduled at this time, which a run starts at 0 and never reaches.
    if (c.at < 0 || c.at >= sim::kTimeNever)
        return core::Error{"the file is damaged (its time is out of range)"};
    return c;
}

sim::SimTime Federation::resume(core::LayerContext& ctx) {
    const std::string path = cfg_.resumeFrom;
    auto bad = [&](const std::string& why) {
        ctx.failParam("resume_from", "resume_from " + path + ": " + why);
    };
    std::error_code ec;
    const auto size = std::filesystem::file_size(path, ec);
    if (ec) bad(ec.message());
    std::ifstream in(path, std::ios::binary);
    std::string bytes(size, '\0');
    if (!in || !in.read(bytes.data(), static_cast<std::streamsize>(size))) bad("cannot read it");
    core::Result<Checkpoint> read = readCheckpoint(bytes);
    if (!read) bad(read.error().message);
    const Checkpoint& checkpoint = *read;
    const std::uint64_t round = checkpoint.round;

    if (round >= cfg_.rounds)
        bad("the checkpoint is of round " + std::to_string(round) + ", and rounds is " +
            std::to_string(cfg_.rounds) + ": no round is left to run");
    try {
        strategy_->restore(fl::decodeState(checkpoint.serverState));
    } catch (const std::exception& e) {
        bad(std::string("its server state does not fit this run: ") + e.what());
    }
    std::string notes;
    if (dp_ && !checkpoint.accountant.empty()) {
        try {
            accountant_ = fl::RdpAccountant::restore(checkpoint.accountant);
        } catch (const std::exception& e) {
            bad(std::string("its privacy accountant: ") + e.what());
        }
    } else if (dp_) {
        notes += "; the checkpoint has no privacy spent: epsilon counts from here";
    }
    sim::Metrics& m = sim_->metrics();
    for (const Checkpoint::Metric& s : checkpoint.metrics) {
        const std::int64_t id = m.find(s.name);
        if (id < 0) continue;  // a metric this version no longer has
        m.set(static_cast<sim::MetricId>(id), s.value);
        sim::Summary summary;
        if (!summary.decode(s.summary)) bad("the file is damaged (summary of " + s.name + ")");
        m.restore(static_cast<sim::MetricId>(id), std::move(summary));
    }
    round_ = round;
    targetReached_ = checkpoint.targetReached;

    // What the fork changed.
    std::string changed;
    nlohmann::json before = nlohmann::json::parse(checkpoint.parameters, nullptr, false);
    if (before.is_discarded()) bad("the file is damaged (its parameters)");
    for (const auto& [name, value] : ctx_->params().values().items()) {
        if (name == "resume_from") continue;
        const auto it = before.find(name);
        const std::string was = it == before.end() ? "(unset)" : it->dump();
        if (was != value.dump()) changed += " " + name + " " + was + " -> " + value.dump() + ";";
    }
    if (checkpoint.seed != seed_)
        notes += "; the run's seed differs from the checkpoint's (" +
                 std::to_string(checkpoint.seed) + "): data and draws differ from here";
    if (checkpoint.layerVersion != definition().descriptor().version)
        notes += "; taken by layer version " + checkpoint.layerVersion;
    if (!changed.empty()) changed.pop_back();
    sim_->trace(server_, "federated",
                "resumed from " + path + " after round " + std::to_string(round) + " at " +
                    std::to_string(sim::toSeconds(checkpoint.at)) + " s" +
                    (changed.empty() ? std::string(", nothing changed") : "; changed:" + changed) +
                    notes);
    return checkpoint.at;
}

}  // namespace dais::layers::federated
