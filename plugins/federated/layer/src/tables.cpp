// The federated layer's tables: one row per client (federated.clients) and one per round or
// server step (federated.rounds), from what the rounds note as they go (the note* calls in
// rounds.cpp, async.cpp and crashes.cpp). Noting draws nothing and schedules nothing, so a run
// is the same whether or not its tables are looked at.
#include <cmath>
#include <string_view>

#include "federation.h"

namespace dais::layers::federated {

namespace {

std::string_view outcomeName(RoundRecord::Outcome o) {
    switch (o) {
        case RoundRecord::Outcome::UnderWay:
            return "under way";
        case RoundRecord::Outcome::Aggregated:
            return "aggregated";
        case RoundRecord::Outcome::Aborted:
            return "aborted";
        case RoundRecord::Outcome::Lost:
            return "lost";
    }
    return "under way";
}

}  // namespace

RoundRecord* Federation::openRound() {
    if (async() || roundRecords_.empty()) return nullptr;
    RoundRecord& r = roundRecords_.back();
    return r.outcome == RoundRecord::Outcome::UnderWay ? &r : nullptr;
}

void Federation::noteDropout(std::size_t client, bool aggregated) {
    ClientRecord& c = clientRecords_[client];
    ++c.dropouts;
    if (aggregated && c.delivered > 0) --c.delivered;
    if (async())
        ++droppedSinceStep_;
    else if (RoundRecord* r = openRound())
        ++r->dropped;
}

void Federation::noteLate(std::size_t client) {
    ++clientRecords_[client].late;
    if (RoundRecord* r = openRound()) ++r->late;
}

void Federation::noteAggregated(std::size_t client, double loss, double accuracy) {
    ClientRecord& c = clientRecords_[client];
    ++c.delivered;
    c.loss = loss;
    c.accuracy = accuracy;
}

void Federation::inspect(std::string_view table, core::TableWriter& out) {
    auto real = [](core::TableWriter::Row& row, double v) {
        if (std::isnan(v))
            row.none();
        else
            row.real(v);
    };
    if (table == "federated.clients") {
        out.reserve(clients_.size());
        for (std::size_t k = 0; k < clients_.size(); ++k) {
            const ClientRecord& c = clientRecords_[k];
            auto row = out.row();
            row.node(clients_[k])
                .integer(static_cast<std::int64_t>(data_->trainSize(k)))
                .integer(c.selected)
                .integer(c.delivered)
                .integer(c.dropouts)
                .integer(c.late)
                .integer(c.rejected);
            real(row, c.loss);
            real(row, c.accuracy);
            row.flag(k < malicious_.size() && malicious_[k] != 0)
                .flag(banned(k))
                .flag(net_->nodeUp(clients_[k]));
        }
    } else if (table == "federated.rounds") {
        out.reserve(roundRecords_.size());
        for (const RoundRecord& r : roundRecords_) {
            auto row = out.row();
            row.integer(static_cast<std::int64_t>(r.round)).time(r.start);
            if (r.end == sim::kTimeNever)
                row.none();
            else
                row.time(r.end);
            row.integer(r.selected)
                .integer(r.delivered)
                .integer(r.dropped)
                .integer(r.late)
                .integer(r.rejected);
            real(row, r.accuracy);
            real(row, r.loss);
            row.text(outcomeName(r.outcome));
            if (r.outcome == RoundRecord::Outcome::Aggregated)
                row.text(core::shortHex(r.model, 16));
            else
                row.none();
            if (r.block > 0)
                row.integer(static_cast<std::int64_t>(r.block));
            else
                row.none();
        }
    }
}

}  // namespace dais::layers::federated
