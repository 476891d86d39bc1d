#pragma once
// Every message of a run, end to end, for the sequence chart: who sent it to whom, on which
// port (what kind of message it is: "federated.model"), when it left and when it arrived or was
// lost. Kept on the GUI thread from the run's activity batches, in the order messages ended
// (so by end time), up to RunController::kMaxRecordedMessages a run; what is beyond is counted.
// Records are kept in chunks of fixed size, so that a log of a million grows without ever
// copying what it holds (a batch of 200,000 messages is appended in a few milliseconds).

#include <QObject>
#include <QString>

#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "dais/sim/network.h"
#include "run/network_structure.h"

namespace dais::studio {

struct ActivityBatch;
class RunController;

class MessageLog : public QObject {
    Q_OBJECT
    static constexpr std::size_t kChunkBits = 16;
    static constexpr std::size_t kChunk = std::size_t{1} << kChunkBits;
    using Chunks = std::vector<std::vector<sim::MessageEnd>>;

  public:
    /// The records, by index in the order they ended: a view of the log, valid while the log
    /// is not reset.
    class Records {
      public:
        std::size_t size() const { return size_; }
        bool empty() const { return size_ == 0; }
        const sim::MessageEnd& operator[](std::size_t i) const {
            return (*chunks_)[i >> kChunkBits][i & (kChunk - 1)];
        }

      private:
        friend class MessageLog;
        Records(const Chunks* chunks, std::size_t size) : chunks_(chunks), size_(size) {}
        const Chunks* chunks_;
        std::size_t size_;
    };

    explicit MessageLog(QObject* parent = nullptr);

    /// Follows a controller's runs: a new run's structure resets the log, its batches append.
    void attach(RunController* controller);
    /// Forgets every record; names nodes and ports from `structure` from now on.
    void reset(std::shared_ptr<const NetworkStructure> structure);
    void append(const ActivityBatch& batch);

    Records records() const { return Records(&chunks_, size_); }
    /// Messages that ended beyond the bound and were not recorded.
    std::uint64_t dropped() const { return dropped_; }
    const NetworkStructure* structure() const { return structure_.get(); }
    /// The longest time a recorded message spent between leaving and ending.
    sim::SimTime longestFlight() const { return longest_; }
    QString portName(sim::PortId port) const;
    QString nodeName(std::uint32_t node) const;
    /// The node of a name as the canvas and the event log write it ("hospitals[3]"), or kNone.
    std::uint32_t nodeNamed(const QString& name) const;
    /// The node that took part in the most messages, then its most frequent peers in order;
    /// at most n nodes.
    std::vector<std::uint32_t> busiest(std::size_t n) const;

  signals:
    /// Records from index `first` on are new.
    void appended(std::size_t first);
    /// The log was emptied (a new run).
    void cleared();

  private:
    std::shared_ptr<const NetworkStructure> structure_;
    Chunks chunks_;
    std::size_t size_ = 0;
    std::vector<std::uint32_t> perNode_;  // messages each node sent or received
    std::uint64_t dropped_ = 0;
    sim::SimTime longest_ = 0;
    mutable std::unordered_map<std::string, std::uint32_t> byName_;  // filled when first asked
};

}  // namespace dais::studio
