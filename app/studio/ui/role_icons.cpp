#include "ui/role_icons.h"

#include <QHash>
#include <QObject>
#include <QPainter>
#include <QPainterPath>

#include <cmath>

namespace dais::studio {

namespace {

enum class Glyph { Server, Hospital, Phone, Gpu, Cloud, Validator, Agent, Aggregator, Router, Dot };

Glyph glyphOf(const QString& role) {
    const QString r = role.toLower();
    if (r.contains("hospital") || r.contains("clinic")) return Glyph::Hospital;
    if (r.contains("phone") || r.contains("mobile") || r.contains("device") || r == "client" ||
        r.contains("peer"))
        return Glyph::Phone;
    if (r.contains("gpu") || r.contains("edge") || r.contains("provider")) return Glyph::Gpu;
    if (r.contains("cloud") || r.contains("datacent") || r.contains("data-cent"))
        return Glyph::Cloud;
    if (r.contains("validator") || r.contains("miner") || r.contains("ledger"))
        return Glyph::Validator;
    if (r.contains("agent")) return Glyph::Agent;
    if (r.contains("aggregator")) return Glyph::Aggregator;
    if (r.contains("router") || r.contains("gateway") || r.contains("gw") || r.isEmpty())
        return Glyph::Router;
    if (r.contains("server") || r.contains("coordinator")) return Glyph::Server;
    return Glyph::Dot;
}

/// The glyph drawn in white on a disc of diameter 1 centred at the origin.
void drawGlyph(QPainter& p, Glyph g) {
    p.setPen(QPen(Qt::white, 0.07, Qt::SolidLine, Qt::RoundCap, Qt::RoundJoin));
    p.setBrush(Qt::NoBrush);
    switch (g) {
        case Glyph::Server:
            for (int i = 0; i < 3; ++i) {
                p.drawRoundedRect(QRectF(-0.22, -0.26 + i * 0.18, 0.44, 0.14), 0.03, 0.03);
                p.drawPoint(QPointF(0.14, -0.19 + i * 0.18));
            }
            break;
        case Glyph::Hospital: {
            QPainterPath cross;
            cross.addRect(QRectF(-0.07, -0.24, 0.14, 0.48));
            cross.addRect(QRectF(-0.24, -0.07, 0.48, 0.14));
            p.fillPath(cross.simplified(), Qt::white);
            break;
        }
        case Glyph::Phone:
            p.drawRoundedRect(QRectF(-0.14, -0.26, 0.28, 0.52), 0.05, 0.05);
            p.drawLine(QPointF(-0.04, 0.18), QPointF(0.04, 0.18));
            break;
        case Glyph::Gpu:
            p.drawRect(QRectF(-0.17, -0.17, 0.34, 0.34));
            p.drawRect(QRectF(-0.07, -0.07, 0.14, 0.14));
            for (int i = -1; i <= 1; ++i) {
                const qreal o = i * 0.1;
                p.drawLine(QPointF(o, -0.17), QPointF(o, -0.26));
                p.drawLine(QPointF(o, 0.17), QPointF(o, 0.26));
                p.drawLine(QPointF(-0.17, o), QPointF(-0.26, o));
                p.drawLine(QPointF(0.17, o), QPointF(0.26, o));
            }
            break;
        case Glyph::Cloud: {
            QPainterPath c;
            c.addEllipse(QPointF(-0.12, 0.04), 0.13, 0.13);
            c.addEllipse(QPointF(0.04, -0.05), 0.16, 0.16);
            c.addEllipse(QPointF(0.16, 0.06), 0.11, 0.11);
            c.addRect(QRectF(-0.12, 0.04, 0.28, 0.13));
            p.fillPath(c.simplified(), Qt::white);
            break;
        }
        case Glyph::Validator: {
            QPainterPath shield;
            shield.moveTo(0, -0.27);
            shield.lineTo(0.21, -0.18);
            shield.quadTo(0.2, 0.14, 0, 0.27);
            shield.quadTo(-0.2, 0.14, -0.21, -0.18);
            shield.closeSubpath();
            p.drawPath(shield);
            p.drawPolyline(
                QPolygonF({QPointF(-0.09, 0.0), QPointF(-0.02, 0.08), QPointF(0.1, -0.08)}));
            break;
        }
        case Glyph::Agent:
            p.drawRoundedRect(QRectF(-0.2, -0.14, 0.4, 0.32), 0.06, 0.06);
            p.drawLine(QPointF(0, -0.14), QPointF(0, -0.24));
            p.setBrush(Qt::white);
            p.drawEllipse(QPointF(-0.08, 0.01), 0.035, 0.035);
            p.drawEllipse(QPointF(0.08, 0.01), 0.035, 0.035);
            break;
        case Glyph::Aggregator:
            p.setBrush(Qt::white);
            p.drawEllipse(QPointF(0, 0), 0.07, 0.07);
            for (int i = 0; i < 5; ++i) {
                const qreal a = i * 2 * M_PI / 5 - M_PI / 2;
                const QPointF tip(0.22 * std::cos(a), 0.22 * std::sin(a));
                p.drawLine(QPointF(0, 0), tip);
                p.drawEllipse(tip, 0.04, 0.04);
            }
            break;
        case Glyph::Router:
            p.drawLine(QPointF(-0.22, 0), QPointF(0.22, 0));
            p.drawLine(QPointF(0, -0.22), QPointF(0, 0.22));
            p.drawPolyline(
                QPolygonF({QPointF(0.15, -0.06), QPointF(0.22, 0), QPointF(0.15, 0.06)}));
            p.drawPolyline(
                QPolygonF({QPointF(-0.15, -0.06), QPointF(-0.22, 0), QPointF(-0.15, 0.06)}));
            break;
        case Glyph::Dot:
            p.setBrush(Qt::white);
            p.drawEllipse(QPointF(0, 0), 0.1, 0.1);
            break;
    }
}

}  // namespace

const std::vector<PaletteRole>& paletteRoles() {
    static const std::vector<PaletteRole> roles = {
        {"server", QObject::tr("Server")},
        {"aggregator", QObject::tr("Edge aggregator")},
        {"hospital", QObject::tr("Hospital")},
        {"client", QObject::tr("Client")},
        {"phone", QObject::tr("Phone")},
        {"edge-gpu", QObject::tr("Edge GPU")},
        {"cloud", QObject::tr("Cloud data centre")},
        {"validator", QObject::tr("Validator")},
        {"agent", QObject::tr("Agent")},
        {"router", QObject::tr("Router")},
    };
    return roles;
}

QColor roleColor(const QString& role) {
    switch (glyphOf(role)) {
        case Glyph::Server:
            return QColor(0x37, 0x4f, 0x8a);
        case Glyph::Hospital:
            return QColor(0xc0, 0x39, 0x4b);
        case Glyph::Phone:
            return QColor(0x2e, 0x8b, 0x7a);
        case Glyph::Gpu:
            return QColor(0x6a, 0x4c, 0xb0);
        case Glyph::Cloud:
            return QColor(0x2f, 0x80, 0xc8);
        case Glyph::Validator:
            return QColor(0xb0, 0x7d, 0x12);
        case Glyph::Agent:
            return QColor(0xc2, 0x5b, 0x8e);
        case Glyph::Aggregator:
            return QColor(0x1f, 0x6f, 0x5c);
        case Glyph::Router:
            return QColor(0x6b, 0x72, 0x80);
        case Glyph::Dot:
            break;
    }
    return QColor::fromHsv(static_cast<int>(qHash(role) % 360), 140, 170);
}

QColor stateColor(NodeState state) {
    switch (state) {
        case NodeState::Working:
            return QColor(0xf5, 0xa6, 0x23);
        case NodeState::Waiting:
            return QColor(0x4c, 0x9a, 0xff);
        case NodeState::Down:
            return QColor(0xe0, 0x3e, 0x3e);
        case NodeState::Idle:
            break;
    }
    return Qt::transparent;
}

const QPixmap& roleIcon(const QString& role, int size, NodeState state, bool selected,
                        qreal devicePixelRatio, const QColor& fillOverride) {
    static QHash<QString, QPixmap> cache;
    const QString key = QStringLiteral("%1|%2|%3|%4|%5|%6")
                            .arg(role)
                            .arg(size)
                            .arg(static_cast<int>(state))
                            .arg(selected)
                            .arg(devicePixelRatio)
                            .arg(fillOverride.isValid() ? fillOverride.rgba() : 0u);
    if (const auto it = cache.constFind(key); it != cache.constEnd()) return *it;
    const int pixels = static_cast<int>(std::ceil(size * devicePixelRatio));
    QPixmap pm(pixels, pixels);
    pm.setDevicePixelRatio(devicePixelRatio);
    pm.fill(Qt::transparent);
    QPainter p(&pm);
    p.setRenderHint(QPainter::Antialiasing);
    p.translate(size / 2.0, size / 2.0);
    p.scale(size, size);
    QColor fill = fillOverride.isValid() ? fillOverride : roleColor(role);
    if (state == NodeState::Down) fill = QColor::fromHsv(fill.hue(), 20, 150);
    if (selected) {
        p.setPen(Qt::NoPen);
        p.setBrush(QColor(0x33, 0x99, 0xff, 110));
        p.drawEllipse(QPointF(0, 0), 0.5, 0.5);
    }
    p.setPen(state == NodeState::Idle ? QPen(fill.darker(140), 0.04)
                                      : QPen(stateColor(state), 0.1));
    p.setBrush(fill);
    p.drawEllipse(QPointF(0, 0), 0.36, 0.36);
    drawGlyph(p, glyphOf(role));
    if (state == NodeState::Down) {
        p.setPen(QPen(stateColor(NodeState::Down), 0.08, Qt::SolidLine, Qt::RoundCap));
        p.drawLine(QPointF(-0.3, -0.3), QPointF(0.3, 0.3));
    }
    p.end();
    return *cache.insert(key, pm);
}

QIcon roleListIcon(const QString& role) {
    QIcon icon;
    for (int size : {16, 24, 32, 48})
        icon.addPixmap(roleIcon(role, size, NodeState::Idle, false, 1.0));
    return icon;
}

}  // namespace dais::studio
