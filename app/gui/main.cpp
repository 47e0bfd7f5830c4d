// crystal-workbench: the desktop workbench.
#include <QApplication>
#include <QCommandLineParser>
#include <QTimer>

#include "main_window.h"

int main(int argc, char** argv) {
    QApplication app(argc, argv);
    QApplication::setApplicationName("Crystal Workbench");
    QApplication::setOrganizationName("CrystalWorkbench");
    QApplication::setApplicationVersion("0.1.0");

    QCommandLineParser parser;
    parser.setApplicationDescription("Crystal Workbench: crystals as images for machine learning");
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addPositionalArgument("file", "Crystal file to open (CIF, POSCAR, JSON, XYZ)");
    QCommandLineOption screenshot("screenshot", "Save a PNG of the window to <path> and exit.", "path");
    parser.addOption(screenshot);
    parser.process(app);

    cw::MainWindow window;
    window.resize(1280, 800);
    const QStringList files = parser.positionalArguments();
    bool opened = true;
    if (!files.isEmpty()) opened = window.openFile(files.first(), parser.isSet(screenshot));
    window.show();
    if (parser.isSet(screenshot)) {
        const QString path = parser.value(screenshot);
        QTimer::singleShot(500, &window, [&window, path, opened] {
            const bool saved = window.grab().save(path);
            QApplication::exit(saved && opened ? 0 : 1);
        });
    }
    return app.exec();
}
