// The round record's JSON: {"layer", "round", "server", "model", "accuracy", "updates": [[node,
// digest, norm, manifest], ...], "rejected": [node, ...]}. Updates are arrays, not objects, to
// keep the record small on the chain.
#include "dais/core/round_audit.h"

#include <cmath>
#include <exception>

#include <nlohmann/json.hpp>

#include "dais/core/inspector.h"

namespace dais::core {

namespace {

nlohmann::json number(double v) {
    return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr);
}

}  // namespace

std::string encodeRoundAudit(const RoundAudit& audit) {
    nlohmann::json j;
    j["layer"] = audit.layer;
    j["round"] = audit.round;
    j["server"] = audit.server;
    j["model"] = hexText(audit.model);
    j["accuracy"] = number(audit.accuracy);
    nlohmann::json updates = nlohmann::json::array();
    for (const RoundAudit::Update& u : audit.updates)
        updates.push_back(nlohmann::json::array(
            {u.node, hexText(u.digest), number(u.norm), hexText(u.manifest)}));
    j["updates"] = std::move(updates);
    j["rejected"] = audit.rejected;
    return j.dump();
}

Result<RoundAudit> decodeRoundAudit(std::string_view text) {
    nlohmann::json j;
    try {
        j = nlohmann::json::parse(text);
    } catch (const std::exception& e) {
        return Error{std::string("not a round record: ") + e.what()};
    }
    if (!j.is_object()) return Error{"not a round record: not a JSON object"};
    RoundAudit a;
    auto digest = [](const nlohmann::json& v, const std::string& where) -> Result<Digest> {
        if (v.is_string())
            if (auto d = parseDigest(v.get<std::string>())) return *d;
        return Error{where + ": not a digest (64 hexadecimal digits)"};
    };
    auto real = [](const nlohmann::json& v, const std::string& where) -> Result<double> {
        if (v.is_null()) return std::numeric_limits<double>::quiet_NaN();
        if (v.is_number()) return v.get<double>();
        return Error{where + ": not a number or null"};
    };
    if (!j.contains("layer") || !j["layer"].is_string()) return Error{"layer: missing or not text"};
    a.layer = j["layer"].get<std::string>();
    if (!j.contains("round") || !j["round"].is_number_unsigned())
        return Error{"round: missing or not a round number"};
    a.round = j["round"].get<std::uint64_t>();
    if (!j.contains("server") || !j["server"].is_string())
        return Error{"server: missing or not a node id"};
    a.server = j["server"].get<std::string>();
    auto model = digest(j.value("model", nlohmann::json()), "model");
    if (!model) return model.error();
    a.model = model.value();
    auto accuracy = real(j.value("accuracy", nlohmann::json()), "accuracy");
    if (!accuracy) return accuracy.error();
    a.accuracy = accuracy.value();
    if (!j.contains("updates") || !j["updates"].is_array())
        return Error{"updates: missing or not a list"};
    for (std::size_t i = 0; i < j["updates"].size(); ++i) {
        const nlohmann::json& u = j["updates"][i];
        const std::string where = "updates[" + std::to_string(i) + "]";
        if (!u.is_array() || u.size() != 4 || !u[0].is_string())
            return Error{where + ": not [node, digest, norm, manifest]"};
        RoundAudit::Update up;
        up.node = u[0].get<std::string>();
        auto d = digest(u[1], where + " digest");
        if (!d) return d.error();
        up.digest = d.value();
        auto n = real(u[2], where + " norm");
        if (!n) return n.error();
        up.norm = n.value();
        auto m = digest(u[3], where + " manifest");
        if (!m) return m.error();
        up.manifest = m.value();
        a.updates.push_back(std::move(up));
    }
    if (j.contains("rejected")) {
        if (!j["rejected"].is_array()) return Error{"rejected: not a list of node ids"};
        for (const nlohmann::json& r : j["rejected"]) {
            if (!r.is_string()) return Error{"rejected: not a list of node ids"};
            a.rejected.push_back(r.get<std::string>());
        }
    }
    return a;
}

Result<std::vector<RoundAudit>> finalRoundAudits(const InspectorTable& records,
                                                 std::size_t* unfinal) {
    const TableSpec& spec = records.spec();
    const auto topic = spec.column("topic"), status = spec.column("status"),
               content = spec.column("content");
    if (!topic || !status || !content)
        return Error{"table " + spec.name + " has no topic, status and content columns"};
    std::vector<RoundAudit> out;
    std::size_t left = 0;
    for (std::size_t row = 0; row < records.rowCount(); ++row) {
        if (records.string(row, *topic) != RoundAudit::kTopic) continue;
        if (records.string(row, *status) != "final") {
            ++left;
            continue;
        }
        auto audit = decodeRoundAudit(records.string(row, *content));
        if (!audit)
            return Error{"table " + spec.name + ", row " + std::to_string(row + 1) + ": " +
                         audit.error().message};
        out.push_back(std::move(audit).value());
    }
    if (unfinal != nullptr) *unfinal = left;
    return out;
}

}  // namespace dais::core
