#pragma once
// LayerDefinition: a layer declared once, typed. Each parameter is declared in one line with its
// type, default, range, unit and help, and bound to the field of the layer's Config struct it
// fills; a choice maps its texts to an enum; each metric is declared with its type, unit and
// help and bound to the MetricId field of the layer's Metrics struct that is its handle. From
// that one declaration DAIS derives the LayerDescriptor (validation, --set, sweeps, the store,
// `dais layers`, the studio's property panels), and the layer gets its parameters as a filled
// Config and its metrics as a filled Metrics:
//
//     struct Config { double fanout = 0; Mode mode{}; sim::SimTime start = 0; };
//     struct Metrics { sim::MetricId sent, coverage; };
//
//     const auto& definition() {
//         static const auto d = [] {
//             core::LayerDefinition<Config, Metrics> d("gossip", "Gossip broadcast", "1.0.0");
//             d.summary("Push gossip ...");
//             d.real("fanout", &Config::fanout, 3, "peers", "Peers a node pushes to.").range(0.1,
//             1000); d.choice("mode", &Config::mode, Mode::Once, {{"once", Mode::Once},
//                      {"mongering", Mode::Mongering}}, "How a node pushes.");
//             d.duration("start", &Config::start, "0s", "When it begins.").atLeast(0);
//             d.counter("gossip.messages.sent", &Metrics::sent, "messages", "Copies sent.");
//             d.distribution("gossip.coverage", &Metrics::coverage, "1", "Share reached.");
//             d.table("gossip.rumours", "Rumours", "One row per rumour.")
//                 .integer("rumour", "", "Its number.")
//                 .node("origin", "Where it started.")
//                 .real("coverage", "1", "Share of the participants it reached.");
//             return d;
//         }();
//         return d;
//     }
//
//     void Gossip::setup(core::LayerContext& ctx) {
//         cfg_ = definition().read(ctx.params());
//         m_ = definition().defineMetrics(ctx);
//     }
//
// A mistake in the declaration itself (a default outside its range, a field that cannot hold
// the range) is a defect of the layer: checkDescriptor() and the layer's tests report it.

#include <concepts>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <limits>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "dais/core/layer.h"

namespace dais::core {

/// A layer with no metrics of its own.
struct NoMetrics {};

/// A table being declared (LayerDefinition::table): its columns in order, each with its type,
/// unit and help, then which column is the key (by default the first) and, for a tree, which
/// holds the parent's key.
class TableDeclaration {
  public:
    TableDeclaration& integer(std::string name, std::string unit, std::string help) {
        return add(std::move(name), ColumnType::Integer, std::move(unit), std::move(help));
    }
    TableDeclaration& real(std::string name, std::string unit, std::string help) {
        return add(std::move(name), ColumnType::Real, std::move(unit), std::move(help));
    }
    TableDeclaration& text(std::string name, std::string help) {
        return add(std::move(name), ColumnType::Text, "", std::move(help));
    }
    /// A node of the network, by index; shown as its name, mapped to the canvas by the studio.
    TableDeclaration& node(std::string name, std::string help) {
        return add(std::move(name), ColumnType::Node, "", std::move(help));
    }
    /// A simulated time, shown in seconds.
    TableDeclaration& time(std::string name, std::string help) {
        return add(std::move(name), ColumnType::Time, "s", std::move(help));
    }
    /// A byte count, shown in binary units.
    TableDeclaration& bytes(std::string name, std::string help) {
        return add(std::move(name), ColumnType::Bytes, "B", std::move(help));
    }
    TableDeclaration& flag(std::string name, std::string help) {
        return add(std::move(name), ColumnType::Flag, "", std::move(help));
    }
    /// The column that identifies a row across refreshes (default: the first column).
    TableDeclaration& key(std::string_view column);
    /// Makes the table a tree: the column that holds each row's parent key (empty for a root).
    TableDeclaration& parent(std::string_view column);

  private:
    template <class, class>
    friend class LayerDefinition;
    TableDeclaration(LayerDescriptor& d, std::size_t index) : d_(&d), index_(index) {}
    TableDeclaration& add(std::string name, ColumnType type, std::string unit, std::string help);
    TableSpec& spec() { return d_->tables[index_]; }
    LayerDescriptor* d_;
    std::size_t index_;
};

namespace detail {

/// What LayerDefinition keeps of one declaration, whatever its Config: the descriptor grows
/// with every declaration, and a declared parameter can still be given a range.
class LayerDefinitionBase {
  public:
    const LayerDescriptor& descriptor() const { return descriptor_; }

  protected:
    LayerDefinitionBase(std::string id, std::string name, std::string version);
    /// A parameter, or with `attribute` a node attribute.
    ParamSpec& addParam(std::string name, ParamType type, nlohmann::json def, std::string unit,
                        std::string help, bool attribute = false);
    void addMetric(std::string name, sim::MetricType type, sim::MetricScope scope, std::string unit,
                   std::string help);
    /// A metric's handle, defined in this run's simulation from its declaration.
    static sim::MetricId define(LayerContext& ctx, const MetricSpec& m);

    LayerDescriptor descriptor_;
};

}  // namespace detail

/// The typed declaration of a layer: its descriptor plus, for every parameter, the Config field
/// it fills, and for every metric, the Metrics field that holds its handle.
template <class Config, class Metrics = NoMetrics>
class LayerDefinition : public detail::LayerDefinitionBase {
  public:
    /// A declared parameter, to give a range: `d.real(...).range(0, 1)`.
    class Param {
      public:
        /// Inclusive bounds in the type's base unit (seconds, bytes, bit/s).
        Param& range(double min, double max) {
            spec().min = min;
            spec().max = max;
            return *this;
        }
        Param& atLeast(double min) {
            spec().min = min;
            return *this;
        }
        Param& atMost(double max) {
            spec().max = max;
            return *this;
        }

      private:
        friend class LayerDefinition;
        Param(LayerDescriptor& d, std::size_t index) : d_(&d), index_(index) {}
        ParamSpec& spec() { return d_->params[index_]; }
        LayerDescriptor* d_;
        std::size_t index_;
    };

    /// A declared node attribute, to give a range or choices:
    /// `d.attribute("price", ParamType::Real, 1.0, "DAIS/h", "...").range(0, 1e6)`.
    class Attribute {
      public:
        Attribute& range(double min, double max) {
            spec().min = min;
            spec().max = max;
            return *this;
        }
        Attribute& choices(std::vector<std::string> values) {
            spec().choices = std::move(values);
            return *this;
        }

      private:
        friend class LayerDefinition;
        Attribute(LayerDescriptor& d, std::size_t index) : d_(&d), index_(index) {}
        ParamSpec& spec() { return d_->attributes[index_]; }
        LayerDescriptor* d_;
        std::size_t index_;
    };

    LayerDefinition(std::string id, std::string name, std::string version)
        : LayerDefinitionBase(std::move(id), std::move(name), std::move(version)) {}

    // --- what the layer is

    /// One paragraph for the layers panel and `dais layers`.
    LayerDefinition& summary(std::string text) {
        descriptor_.summary = std::move(text);
        return *this;
    }
    LayerDefinition& role(std::string role, bool required, std::string help) {
        descriptor_.roles.push_back(RoleSpec{std::move(role), required, std::move(help)});
        return *this;
    }
    /// A state its nodes can be in, with a colour hint ("#rrggbb") and a sentence of help; its
    /// code (LayerContext::nodeState) is the order of declaration.
    LayerDefinition& nodeState(std::string name, std::string colour, std::string help) {
        descriptor_.nodeStates.push_back(
            NodeStateSpec{std::move(name), std::move(colour), std::move(help)});
        return *this;
    }
    /// An attribute it reads of each node (node_attributes.h), written in scenarios per node,
    /// group or template under "attributes": {"<layer id>": {...}}; `def` as a scenario would
    /// write it. Read at run time through LayerContext::attributes().
    Attribute attribute(std::string name, ParamType type, nlohmann::json def, std::string unit,
                        std::string help) {
        addParam(std::move(name), type, std::move(def), std::move(unit), std::move(help), true);
        return Attribute(descriptor_, descriptor_.attributes.size() - 1);
    }
    /// A kind of event it records (run_events.h): "<id>.<name>" and a sentence of help; its
    /// code (LayerContext::eventKind) is the order of declaration.
    LayerDefinition& eventKind(std::string name, std::string help) {
        descriptor_.eventKinds.push_back(EventKindSpec{std::move(name), std::move(help)});
        return *this;
    }
    /// A service this layer offers to the others (services.h).
    LayerDefinition& provides(std::string service) {
        descriptor_.provides.push_back(std::move(service));
        return *this;
    }
    /// A service this layer uses; `why` is shown when it is missing.
    LayerDefinition& uses(std::string service, bool required, std::string why) {
        descriptor_.uses.push_back(ServiceUse{std::move(service), required, std::move(why)});
        return *this;
    }

    // --- parameters, each bound to the Config field it fills

    Param flag(std::string name, bool Config::*field, bool def, std::string help) {
        return bind(
            name, ParamType::Bool, def, "", std::move(help),
            [field, name](const LayerParams& params, Config& c) { c.*field = params.flag(name); });
    }

    /// An integer into any integral field; the field's own limits bound the range too, so a
    /// value that passes validation always fits.
    template <std::integral T>
    Param integer(std::string name, T Config::*field, std::int64_t def, std::string unit,
                  std::string help) {
        Param p = bind(name, ParamType::Integer, def, std::move(unit), std::move(help),
                       [field, name](const LayerParams& params, Config& c) {
                           c.*field = static_cast<T>(params.integer(name));
                       });
        p.range(std::max(static_cast<double>(std::numeric_limits<T>::min()), -9.0e15),
                std::min(static_cast<double>(std::numeric_limits<T>::max()), 9.0e15));
        return p;
    }

    Param real(std::string name, double Config::*field, double def, std::string unit,
               std::string help) {
        return bind(
            name, ParamType::Real, def, std::move(unit), std::move(help),
            [field, name](const LayerParams& params, Config& c) { c.*field = params.real(name); });
    }

    Param text(std::string name, std::string Config::*field, std::string def, std::string unit,
               std::string help) {
        return bind(
            name, ParamType::String, std::move(def), std::move(unit), std::move(help),
            [field, name](const LayerParams& params, Config& c) { c.*field = params.text(name); });
    }

    /// A choice among texts, each naming one value of the field's enum. The first text of a
    /// value is the one shown and written.
    template <class E>
    requires std::is_enum_v<E> Param
    choice(std::string name, E Config::*field, E def,
           std::initializer_list<std::pair<const char*, E>> choices, std::string help) {
        std::vector<std::pair<std::string, E>> table;
        std::string defText;
        for (const auto& [text, value] : choices) {
            table.emplace_back(text, value);
            if (value == def && defText.empty()) defText = text;
        }
        Param p =
            bind(name, ParamType::Choice, defText, "", std::move(help),
                 [field, name, table](const LayerParams& params, Config& c) {
                     const std::string& t = params.text(name);
                     for (const auto& [text, value] : table)
                         if (text == t) {
                             c.*field = value;
                             return;
                         }
                     throw LayerError("parameter \"" + name + "\" has no choice \"" + t + "\"");
                 });
        for (const auto& entry : table)
            p.spec().choices.push_back(entry.first);
        return p;
    }

    /// A duration, written "250ms", "2h" or as seconds; the field holds nanoseconds.
    Param duration(std::string name, sim::SimTime Config::*field, nlohmann::json def,
                   std::string help) {
        return bind(name, ParamType::Duration, std::move(def), "s", std::move(help),
                    [field, name](const LayerParams& params, Config& c) {
                        c.*field = params.duration(name);
                    });
    }

    /// A size, written "4MiB", "1kB" or as bytes.
    Param size(std::string name, std::uint64_t Config::*field, nlohmann::json def,
               std::string help) {
        return bind(
            name, ParamType::Size, std::move(def), "B", std::move(help),
            [field, name](const LayerParams& params, Config& c) { c.*field = params.bytes(name); });
    }

    /// A bandwidth, written "100Mbps" or as bit/s; the field holds bit/s.
    Param bandwidth(std::string name, double Config::*field, nlohmann::json def, std::string help) {
        return bind(name, ParamType::Bandwidth, std::move(def), "bit/s", std::move(help),
                    [field, name](const LayerParams& params, Config& c) {
                        c.*field = params.bitsPerSecond(name);
                    });
    }

    // --- metrics, each bound to the Metrics field that holds its handle

    LayerDefinition& counter(std::string name, sim::MetricId Metrics::*handle, std::string unit,
                             std::string help, sim::MetricScope scope = sim::MetricScope::Global) {
        return metric(std::move(name), handle, sim::MetricType::Counter, scope, std::move(unit),
                      std::move(help));
    }
    LayerDefinition& gauge(std::string name, sim::MetricId Metrics::*handle, std::string unit,
                           std::string help, sim::MetricScope scope = sim::MetricScope::Global) {
        return metric(std::move(name), handle, sim::MetricType::Gauge, scope, std::move(unit),
                      std::move(help));
    }
    /// A metric observed many times (per message, per round): count, mean and percentiles.
    LayerDefinition& distribution(std::string name, sim::MetricId Metrics::*handle,
                                  std::string unit, std::string help,
                                  sim::MetricScope scope = sim::MetricScope::Global) {
        return metric(std::move(name), handle, sim::MetricType::Distribution, scope,
                      std::move(unit), std::move(help));
    }

    // --- tables of the layer's entities (inspector.h), filled by Layer::inspect

    /// Declares a table; add its columns to what this returns.
    TableDeclaration table(std::string name, std::string title, std::string help) {
        TableSpec t;
        t.name = std::move(name);
        t.title = std::move(title);
        t.help = std::move(help);
        descriptor_.tables.push_back(std::move(t));
        return TableDeclaration(descriptor_, descriptor_.tables.size() - 1);
    }

    // --- at run time

    /// The validated parameters as a Config: every declared field filled, in declaration order.
    Config read(const LayerParams& params) const {
        Config c{};
        for (const auto& fill : fills_)
            fill(params, c);
        return c;
    }

    /// Every declared metric defined in the run, as handles.
    Metrics defineMetrics(LayerContext& ctx) const {
        Metrics m{};
        for (std::size_t i = 0; i < handles_.size(); ++i)
            m.*handles_[i] = define(ctx, descriptor_.metrics[i]);
        return m;
    }

  private:
    using Fill = std::function<void(const LayerParams&, Config&)>;

    Param bind(const std::string& name, ParamType type, nlohmann::json def, std::string unit,
               std::string help, Fill fill) {
        addParam(name, type, std::move(def), std::move(unit), std::move(help));
        fills_.push_back(std::move(fill));
        return Param(descriptor_, descriptor_.params.size() - 1);
    }

    LayerDefinition& metric(std::string name, sim::MetricId Metrics::*handle, sim::MetricType type,
                            sim::MetricScope scope, std::string unit, std::string help) {
        addMetric(std::move(name), type, scope, std::move(unit), std::move(help));
        handles_.push_back(handle);
        return *this;
    }

    std::vector<Fill> fills_;
    std::vector<sim::MetricId Metrics::*> handles_;
};

}  // namespace dais::core
