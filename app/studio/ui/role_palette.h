#pragma once
// The palette of roles: drag one onto the canvas, or click it and then click the canvas. Each
// role is offered as a node and (for roles that come in numbers) as a group.

#include <QWidget>

namespace dais::studio {

class NetworkCanvas;

/// The MIME type of a role dragged from the palette ("<role>" or "group:<role>").
inline constexpr const char* kRoleMimeType = "application/x-dais-role";

class RolePalette final : public QWidget {
  public:
    /// A palette that places onto `canvas` (its list is named "paletteList").
    RolePalette(NetworkCanvas* canvas, QWidget* parent);
};

}  // namespace dais::studio
