#include "dais/fl/model.h"

#include <Eigen/Core>
#include <cmath>
#include <stdexcept>
#include <string>

namespace dais::fl {

namespace {

/// Eigen chooses the blocking of its matrix products from the processor's cache sizes, and the
/// blocking decides the order in which a product's terms are summed. Fixed sizes make every
/// product round the same way on every machine, so training is reproducible to the bit.
void fixProductBlocking() {
    static const bool fixed = [] {
        Eigen::setCpuCacheSizes(32 * 1024, 256 * 1024, 2 * 1024 * 1024);
        return true;
    }();
    (void)fixed;
}

}  // namespace

std::string ModelSpec::describe() const {
    std::string s = hidden.empty() ? "logistic(" : "mlp(";
    s += std::to_string(inputs);
    for (std::size_t h : hidden)
        s += "-" + std::to_string(h);
    s += "->" + std::to_string(classes) + ")";
    return s;
}

Model::Model(ModelSpec spec) : spec_(std::move(spec)) {
    if (spec_.inputs == 0) throw std::invalid_argument("a model needs at least one input");
    if (spec_.classes < 2) throw std::invalid_argument("a model needs at least two classes");
    std::size_t in = spec_.inputs;
    widest_ = in;
    for (std::size_t l = 0; l <= spec_.hidden.size(); ++l) {
        const std::size_t out = l < spec_.hidden.size() ? spec_.hidden[l] : spec_.classes;
        if (out == 0) throw std::invalid_argument("a hidden layer needs at least one unit");
        LayerInfo info{in, out, count_, count_ + in * out};
        count_ += in * out + out;
        layers_.push_back(info);
        widest_ = std::max(widest_, out);
        in = out;
    }
    fixProductBlocking();
}

std::size_t Model::wireBytes(WireFormat format) const {
    return count_ * (format == WireFormat::Float32 ? 4 : 8);
}

Eigen::VectorXd Model::initialParameters(sim::RngStream& rng) const {
    Eigen::VectorXd p = Eigen::VectorXd::Zero(static_cast<Eigen::Index>(count_));
    if (isLogistic()) return p;
    for (std::size_t l = 0; l < layers_.size(); ++l) {
        const LayerInfo& L = layers_[l];
        const bool last = l + 1 == layers_.size();
        const double limit = last ? std::sqrt(6.0 / static_cast<double>(L.in + L.out))
                                  : std::sqrt(6.0 / static_cast<double>(L.in));
        for (std::size_t i = 0; i < L.in * L.out; ++i)
            p[static_cast<Eigen::Index>(L.weightOffset + i)] = rng.uniform(-limit, limit);
    }
    return p;
}

void Model::reserve(Workspace& ws, std::size_t batch) const {
    // A workspace may have served another model: every layer's height must match.
    bool fits = ws.act.size() == layers_.size() && ws.capacity_ >= batch &&
                ws.delta[0].rows() >= static_cast<Eigen::Index>(widest_);
    for (std::size_t l = 0; fits && l < layers_.size(); ++l)
        fits = ws.act[l].rows() == static_cast<Eigen::Index>(layers_[l].out);
    if (fits) return;
    const auto cols = static_cast<Eigen::Index>(std::max(batch, ws.capacity_));
    ws.act.resize(layers_.size());
    for (std::size_t l = 0; l < layers_.size(); ++l)
        ws.act[l].resize(static_cast<Eigen::Index>(layers_[l].out), cols);
    const auto rows = std::max(static_cast<Eigen::Index>(widest_), ws.delta[0].rows());
    ws.delta[0].resize(rows, cols);
    ws.delta[1].resize(rows, cols);
    ws.colMax.resize(cols);
    ws.colSum.resize(cols);
    ws.capacity_ = static_cast<std::size_t>(cols);
}

void Model::forward(const Eigen::VectorXd& params, const Eigen::Ref<const Eigen::MatrixXd>& x,
                    std::size_t b, Workspace& ws) const {
    const auto nb = static_cast<Eigen::Index>(b);
    for (std::size_t l = 0; l < layers_.size(); ++l) {
        const LayerInfo& L = layers_[l];
        const Eigen::Map<const Eigen::MatrixXd> W(params.data() + L.weightOffset,
                                                  static_cast<Eigen::Index>(L.out),
                                                  static_cast<Eigen::Index>(L.in));
        const Eigen::Map<const Eigen::VectorXd> bias(params.data() + L.biasOffset,
                                                     static_cast<Eigen::Index>(L.out));
        auto A = ws.act[l].leftCols(nb);
        if (l == 0)
            A.noalias() = W * x;
        else
            A.noalias() = W * ws.act[l - 1].leftCols(nb);
        A.colwise() += bias;
        if (l + 1 < layers_.size()) A = A.cwiseMax(0.0);
    }
}

Eigen::Block<Eigen::MatrixXd, Eigen::Dynamic, Eigen::Dynamic, true> Model::logits(
    const Eigen::VectorXd& params, const Eigen::Ref<const Eigen::MatrixXd>& features,
    Workspace& ws) const {
    const auto b = static_cast<std::size_t>(features.cols());
    reserve(ws, b);
    forward(params, features, b, ws);
    return ws.act.back().leftCols(static_cast<Eigen::Index>(b));
}

double Model::lossAndGradient(const Eigen::VectorXd& params,
                              const Eigen::Ref<const Eigen::MatrixXd>& features,
                              std::span<const std::int32_t> labels, Eigen::VectorXd* gradient,
                              Workspace& ws) const {
    const auto b = static_cast<std::size_t>(features.cols());
    if (labels.size() != b || static_cast<std::size_t>(features.rows()) != spec_.inputs ||
        static_cast<std::size_t>(params.size()) != count_)
        throw std::invalid_argument(
            "lossAndGradient: shapes of features, labels and "
            "parameters do not match the model " +
            spec_.describe());
    if (b == 0) {
        if (gradient) gradient->setZero(static_cast<Eigen::Index>(count_));
        return 0.0;
    }
    reserve(ws, b);
    forward(params, features, b, ws);

    const auto nb = static_cast<Eigen::Index>(b);
    const auto C = static_cast<Eigen::Index>(spec_.classes);
    auto Z = ws.act.back().leftCols(nb);
    auto colMax = ws.colMax.head(nb);
    auto colSum = ws.colSum.head(nb);
    auto P = ws.delta[0].topLeftCorner(C, nb);
    // log sum_j exp(z_j) = m + log sum_j exp(z_j - m), m the column's maximum.
    colMax = Z.colwise().maxCoeff();
    P = (Z.rowwise() - colMax).array().exp().matrix();
    colSum = P.colwise().sum();
    double loss = colSum.array().log().sum() + colMax.sum();
    for (Eigen::Index i = 0; i < nb; ++i) {
        const std::int32_t y = labels[static_cast<std::size_t>(i)];
        if (y < 0 || y >= C)
            throw std::out_of_range("label " + std::to_string(y) + " outside [0, " +
                                    std::to_string(C) + ")");
        loss -= Z(y, i);
    }
    loss /= static_cast<double>(b);
    if (!gradient) return loss;

    // d loss / d logits = (softmax - onehot) / b.
    P.array().rowwise() /= colSum.array();
    for (Eigen::Index i = 0; i < nb; ++i)
        P(labels[static_cast<std::size_t>(i)], i) -= 1.0;
    P /= static_cast<double>(b);

    if (static_cast<std::size_t>(gradient->size()) != count_)
        gradient->resize(static_cast<Eigen::Index>(count_));
    int cur = 0;
    for (std::size_t l = layers_.size(); l-- > 0;) {
        const LayerInfo& L = layers_[l];
        const auto out = static_cast<Eigen::Index>(L.out);
        const auto in = static_cast<Eigen::Index>(L.in);
        auto D = ws.delta[cur].topLeftCorner(out, nb);
        Eigen::Map<Eigen::MatrixXd> gW(gradient->data() + L.weightOffset, out, in);
        Eigen::Map<Eigen::VectorXd> gb(gradient->data() + L.biasOffset, out);
        if (l == 0)
            gW.noalias() = D * features.transpose();
        else
            gW.noalias() = D * ws.act[l - 1].leftCols(nb).transpose();
        gb = D.rowwise().sum();
        if (l == 0) break;
        const Eigen::Map<const Eigen::MatrixXd> W(params.data() + L.weightOffset, out, in);
        auto Dn = ws.delta[1 - cur].topLeftCorner(in, nb);
        Dn.noalias() = W.transpose() * D;
        // ReLU: the error passes where the unit was active (output > 0).
        Dn = (ws.act[l - 1].leftCols(nb).array() > 0.0).select(Dn, 0.0);
        cur = 1 - cur;
    }
    return loss;
}

}  // namespace dais::fl
