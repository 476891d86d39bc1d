// dais layers: what the installed layers are, what they take and what they emit.
#include <cstdio>
#include <string>

#include <nlohmann/json.hpp>

#include "commands.h"
#include "dais/core/layer_registry.h"

namespace dais::app {

const char* const kLayersHelp = R"(usage: dais layers [ID] [--json]

Lists the installed layers: their id, version, where they were loaded from, the tables of
their entities they publish (with their columns) and the kinds of events they record (with
their help), then the plugins that failed to load and why. With an ID, shows that layer in
full: its parameters (type, default, range, unit, help), the node attributes it reads (written
per node, group or template), the node roles it works on, the metrics it emits, its tables
(each column's type, unit and help; `dais run --inspect TABLE` prints one), its event kinds
(`dais run --events KIND` prints them) and the services it provides and uses.

Layers are loaded from the folders in DAIS_PLUGIN_PATH (separated by ':') and then from
lib/dais/plugins beside the DAIS libraries.

options:
  --json             print the same as JSON on stdout
)";

namespace {

std::string rangeText(const core::ParamSpec& p) {
    auto num = [](double v) {
        char buf[32];
        std::snprintf(buf, sizeof buf, "%g", v);
        return std::string(buf);
    };
    if (!p.choices.empty()) {
        std::string s;
        for (const std::string& c : p.choices)
            s += (s.empty() ? "" : " | ") + c;
        return s;
    }
    if (p.min && p.max) return "[" + num(*p.min) + ", " + num(*p.max) + "]";
    if (p.min) return ">= " + num(*p.min);
    if (p.max) return "<= " + num(*p.max);
    return "";
}

/// Parameters or node attributes, as JSON.
nlohmann::json paramsJson(const std::vector<core::ParamSpec>& specs) {
    nlohmann::json params = nlohmann::json::array();
    for (const core::ParamSpec& p : specs) {
        nlohmann::json j = {{"name", p.name},
                            {"type", std::string(core::paramTypeName(p.type))},
                            {"default", p.defaultValue},
                            {"unit", p.unit},
                            {"help", p.help}};
        if (p.min) j["min"] = *p.min;
        if (p.max) j["max"] = *p.max;
        if (!p.choices.empty()) j["choices"] = p.choices;
        params.push_back(j);
    }
    return params;
}

/// Parameters or node attributes, one per entry with its help below.
void printParams(const std::vector<core::ParamSpec>& specs) {
    for (const core::ParamSpec& p : specs) {
        std::printf("  %-18s %-9s default %s", p.name.c_str(),
                    std::string(core::paramTypeName(p.type)).c_str(),
                    p.defaultValue.dump().c_str());
        if (const std::string r = rangeText(p); !r.empty()) std::printf("  %s", r.c_str());
        if (!p.unit.empty()) std::printf("  %s", p.unit.c_str());
        std::printf("\n      %s\n", p.help.c_str());
    }
}

nlohmann::json descriptorJson(const core::LayerDescriptor& d, const std::string& origin) {
    const nlohmann::json params = paramsJson(d.params);
    nlohmann::json metrics = nlohmann::json::array();
    for (const core::MetricSpec& m : d.metrics)
        metrics.push_back({{"name", m.name},
                           {"unit", m.unit},
                           {"type", std::string(sim::metricTypeName(m.type))},
                           {"scope", std::string(sim::metricScopeName(m.scope))},
                           {"help", m.help}});
    nlohmann::json roles = nlohmann::json::array();
    for (const core::RoleSpec& r : d.roles)
        roles.push_back({{"role", r.role}, {"required", r.required}, {"help", r.help}});
    nlohmann::json uses = nlohmann::json::array();
    for (const core::ServiceUse& u : d.uses)
        uses.push_back({{"service", u.service}, {"required", u.required}, {"why", u.why}});
    nlohmann::json tables = nlohmann::json::array();
    for (const core::TableSpec& t : d.tables)
        tables.push_back(core::tableSpecJson(t));
    nlohmann::json events = nlohmann::json::array();
    for (const core::EventKindSpec& k : d.eventKinds)
        events.push_back({{"name", k.name}, {"help", k.help}});
    return {{"id", d.id},
            {"name", d.name},
            {"version", d.version},
            {"summary", d.summary},
            {"origin", origin},
            {"parameters", params},
            {"attributes", paramsJson(d.attributes)},
            {"roles", roles},
            {"metrics", metrics},
            {"tables", tables},
            {"events", events},
            {"provides", d.provides},
            {"uses", uses}};
}

/// "federated.clients (node, samples, ...)": a table and its columns on one line.
std::string tableLine(const core::TableSpec& t) {
    std::string columns;
    for (const core::ColumnSpec& c : t.columns)
        columns += (columns.empty() ? "" : ", ") + c.name;
    return t.name + " (" + columns + ")";
}

void printLayer(const core::LayerDescriptor& d, const std::string& origin) {
    std::printf("%s %s - %s\n  from %s\n\n%s\n", d.id.c_str(), d.version.c_str(), d.name.c_str(),
                origin.c_str(), d.summary.c_str());
    if (!d.params.empty()) {
        std::printf("\nparameters (layers.%s.NAME)\n", d.id.c_str());
        printParams(d.params);
    }
    if (!d.attributes.empty()) {
        std::printf(
            "\nnode attributes (a node's, group's or template's \"attributes\": "
            "{\"%s\": {NAME: value}})\n",
            d.id.c_str());
        printParams(d.attributes);
    }
    if (!d.roles.empty()) {
        std::printf("\nroles\n");
        for (const core::RoleSpec& r : d.roles)
            std::printf("  %-18s %s%s\n", r.role.c_str(), r.required ? "(required) " : "",
                        r.help.c_str());
    }
    if (!d.metrics.empty()) {
        std::printf("\nmetrics\n");
        for (const core::MetricSpec& m : d.metrics)
            std::printf("  %-28s %-12s %s, %s: %s\n", m.name.c_str(), m.unit.c_str(),
                        std::string(sim::metricTypeName(m.type)).c_str(),
                        std::string(sim::metricScopeName(m.scope)).c_str(), m.help.c_str());
    }
    for (const core::TableSpec& t : d.tables) {
        std::printf("\ntable %s: %s (dais run --inspect %s)\n  %s\n", t.name.c_str(),
                    t.title.c_str(), t.name.c_str(), t.help.c_str());
        for (std::size_t i = 0; i < t.columns.size(); ++i) {
            const core::ColumnSpec& c = t.columns[i];
            std::string role = i == t.key                   ? " (key)"
                               : t.parent && *t.parent == i ? " (parent)"
                                                            : "";
            std::printf("  %-14s %-8s %-12s %s%s\n", c.name.c_str(),
                        std::string(core::columnTypeName(c.type)).c_str(), c.unit.c_str(),
                        c.help.c_str(), role.c_str());
        }
    }
    if (!d.eventKinds.empty()) {
        std::printf("\nevents (dais run --events KIND, dais runs show ID --events)\n");
        for (const core::EventKindSpec& k : d.eventKinds)
            std::printf("  %-28s %s\n", k.name.c_str(), k.help.c_str());
    }
    for (const std::string& s : d.provides)
        std::printf("\nprovides the service %s\n", s.c_str());
    for (const core::ServiceUse& u : d.uses)
        std::printf("\nuses the service %s%s: %s\n", u.service.c_str(),
                    u.required ? " (required)" : " (if present)", u.why.c_str());
}

}  // namespace

int commandLayers(Args& args) {
    bool json = false;
    std::string id;
    while (!args.done()) {
        if (args.flag("help")) return std::fputs(kLayersHelp, stdout), kExitOk;
        if (args.flag("json")) {
            json = true;
        } else if (args.peek().rfind("--", 0) == 0) {
            printError("layers: unknown option " + args.peek() + " (see dais layers --help)");
            return kExitUsage;
        } else if (id.empty()) {
            id = args.take();
        } else {
            printError("layers: one layer at a time (got \"" + id + "\" and \"" + args.peek() +
                       "\")");
            return kExitUsage;
        }
    }
    const core::LayerRegistry& registry = core::LayerRegistry::installed();
    if (!id.empty()) {
        const core::LayerFactory* f = registry.find(id);
        if (!f) {
            std::string installed;
            for (const std::string& i : registry.ids())
                installed += (installed.empty() ? "" : ", ") + i;
            printError("layers: no layer \"" + id + "\" is installed (installed: " +
                       (installed.empty() ? "none" : installed) + ")");
            return kExitUsage;
        }
        if (json)
            std::printf("%s\n",
                        descriptorJson(f->descriptor, registry.originOf(id)).dump(2).c_str());
        else
            printLayer(f->descriptor, registry.originOf(id));
        return kExitOk;
    }
    if (json) {
        nlohmann::json out = {{"layers", nlohmann::json::array()},
                              {"failed_plugins", nlohmann::json::array()},
                              {"plugin_folders", core::LayerRegistry::pluginFolders()}};
        for (const core::LayerFactory* f : registry.layers())
            out["layers"].push_back(
                descriptorJson(f->descriptor, registry.originOf(f->descriptor.id)));
        for (const auto& r : registry.loadReports())
            if (!r.ok) out["failed_plugins"].push_back({{"file", r.file}, {"reason", r.message}});
        std::printf("%s\n", out.dump(2).c_str());
        return kExitOk;
    }
    if (registry.layers().empty()) std::printf("no layers are installed\n");
    for (const core::LayerFactory* f : registry.layers()) {
        const core::LayerDescriptor& d = f->descriptor;
        std::printf("%-12s %-8s %s\n             from %s\n", d.id.c_str(), d.version.c_str(),
                    d.name.c_str(), registry.originOf(d.id).c_str());
        for (const core::TableSpec& t : d.tables)
            std::printf("             table %s\n", tableLine(t).c_str());
        for (const core::EventKindSpec& k : d.eventKinds)
            std::printf("             event %s: %s\n", k.name.c_str(), k.help.c_str());
    }
    bool header = false;
    for (const auto& r : registry.loadReports()) {
        if (r.ok) continue;
        if (!header) std::printf("\nplugins that failed to load\n");
        header = true;
        std::printf("  %s: %s\n", r.file.c_str(), r.message.c_str());
    }
    std::printf("\nplugin folders: ");
    bool first = true;
    for (const std::string& f : core::LayerRegistry::pluginFolders()) {
        std::printf("%s%s", first ? "" : ", ", f.c_str());
        first = false;
    }
    std::printf("\n");
    return kExitOk;
}

}  // namespace dais::app
