#include "dais/core/compute_market.h"

#include <cmath>

namespace dais::core {

std::string_view ComputeMarket::statusName(Status s) {
    switch (s) {
        case Status::Done:
            return "done";
        case Status::NoProvider:
            return "no provider";
        case Status::MissedDeadline:
            return "missed deadline";
        case Status::ProviderFailed:
            return "provider failed";
        case Status::Rejected:
            return "rejected";
        case Status::Cancelled:
            return "cancelled";
        case Status::Unaffordable:
            return "unaffordable";
    }
    return "unknown";
}

std::string jobProblem(const ComputeMarket::Job& job) {
    if (!(job.flops > 0) || !std::isfinite(job.flops))
        return "a job's work must be a finite number of FLOPs > 0";
    if (job.redundancy < 1) return "a job runs on at least one provider (redundancy >= 1)";
    if (!(job.spotRate >= 0 && job.spotRate <= 1)) return "the spot-check rate must lie in 0..1";
    if (job.maxPrice < 0) return "a job's price limit cannot be negative";
    if (!(job.requirements.minReputation >= 0 && job.requirements.minReputation <= 1))
        return "the least reputation must lie in 0..1";
    if (job.requirements.minFlopsPerSecond < 0) return "the least speed cannot be negative";
    return {};
}

}  // namespace dais::core
