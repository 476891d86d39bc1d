#pragma once
// How the canvas and the palette draw a node's role: a small vector icon per kind of
// participant (hospital, phone, GPU, data centre, validator, agent, aggregator...) on a disc of
// the role's colour, cached as pixmaps so that thousands of nodes paint quickly.

#include <QColor>
#include <QIcon>
#include <QPixmap>
#include <QString>
#include <QStringList>

namespace dais::studio {

/// What a node is doing, as the canvas colours it.
enum class NodeState : std::uint8_t { Idle, Working, Waiting, Down };

/// The roles the palette offers, in order, with a human label each.
struct PaletteRole {
    QString role, label;
};
const std::vector<PaletteRole>& paletteRoles();

/// The role's fill colour (unknown roles get a stable colour from their name).
QColor roleColor(const QString& role);
/// The ring colour of a state (Idle: transparent).
QColor stateColor(NodeState state);
/// The role's icon: `size` logical pixels, ringed by the state's colour, highlighted when
/// selected, on a disc of the role's colour or of `fill` when valid. Cached (fills are few: a
/// colour scale's steps).
const QPixmap& roleIcon(const QString& role, int size, NodeState state, bool selected,
                        qreal devicePixelRatio, const QColor& fill = QColor());
/// The same for list views.
QIcon roleListIcon(const QString& role);

}  // namespace dais::studio
