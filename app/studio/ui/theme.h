#pragma once
// Light and dark themes: the Fusion style with a palette of each kind, or the system's own
// look. Everything the studio draws (canvas, charts, icons) reads the application palette, so
// a theme change repaints the whole window.

#include <QString>

namespace dais::studio {

enum class Theme { System, Light, Dark };

/// "system", "light" or "dark" (the value kept in the settings).
QString themeName(Theme theme);
/// The theme with that name; System for anything else.
Theme themeFromName(const QString& name);

/// Applies a theme to the running application.
void applyTheme(Theme theme);

/// True when the application palette is a dark one (light text on a dark window).
bool paletteIsDark();

}  // namespace dais::studio
