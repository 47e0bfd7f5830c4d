#pragma once
/// @file Space-group analysis with spglib.

#include <Eigen/Core>
#include <string>
#include <string_view>
#include <vector>

#include "crystal/structure.h"

namespace cw {

/// Tolerances of spglib. Defaults are spglib's own (symprec 0.01 Å, its internal angle
/// tolerance), the settings behind the Materials Project documents' `symmetry.number`: with
/// them all 26,959 MP dev entries agree, while pymatgen's 5° finds higher symmetry in 26
/// borderline cells. xtal2png (pymatgen's SpacegroupAnalyzer) uses `kPymatgenAngleToleranceDeg`.
struct SymmetryOptions {
    double symprecA = 0.01;
    double angleToleranceDeg = -1.0;  ///< negative: spglib's own default
};

/// pymatgen's SpacegroupAnalyzer default angle tolerance (degrees), used by xtal2png.
inline constexpr double kPymatgenAngleToleranceDeg = 5.0;

/// One space-group operation in fractional coordinates of the analysed cell: x' = R·x + t.
struct SymmetryOperation {
    Eigen::Matrix3i rotation = Eigen::Matrix3i::Identity();
    Eigen::Vector3d translation = Eigen::Vector3d::Zero();  ///< fractional, in [0, 1)
};

/// What spglib found. number 0 means spglib found no space group; `failure` then says why.
struct SpaceGroupInfo {
    int number = 0;
    /// Empty when a group was found; else "spglib found no space group at symprec 0.01 Å: …"
    /// with the closest pair of atoms when they are closer than symprec.
    std::string failure;
    std::string international;      ///< Hermann–Mauguin short symbol, e.g. "Fm-3m"
    std::string internationalFull;  ///< e.g. "F 4/m -3 2/m"
    std::string hallSymbol;         ///< e.g. "-F 4 2 3"
    int hallNumber = 0;             ///< 1…530
    std::string pointGroup;         ///< e.g. "m-3m"
    std::string crystalSystem;      ///< "cubic", "hexagonal", …
    std::string schoenflies;        ///< e.g. "Oh^5"
    std::string choice;             ///< setting: origin "1"/"2", axes "H"/"R"; often ""

    /// Operations of the analysed cell (not of the standardised one): a conventional NaCl cell
    /// has 192 (48 rotations × 4 centring translations), a primitive one 48.
    std::vector<SymmetryOperation> operations;
    /// Per input site, in site order: Wyckoff letter of the standardised setting ('a', 'b', …).
    std::vector<char> wyckoffLetters;
    /// Per input site: site-symmetry symbol in the standardised setting, e.g. "m-3m", ".3m".
    std::vector<std::string> siteSymmetries;
    /// Per input site: index of the first site of its symmetry orbit (spglib's
    /// equivalent_atoms), so sites i and j are equivalent iff equivalentAtoms agree.
    std::vector<int> equivalentAtoms;
};

/// Space group of a structure. Ordered sites are typed by atomic number; sites that share a
/// position (within 1e-3 Å) count as one atom, and a position with partial occupancy or several
/// species is typed by its content, so a disordered crystal gets the group of its average
/// structure (as pymatgen's SpacegroupAnalyzer does). Per-site lists follow the input sites;
/// equivalentAtoms names the first input site of each orbit. Returns number 0, empty symbols
/// and lists, and the reason in `failure` when spglib finds no space group (e.g. atoms closer
/// than symprec). Throws ValueError for an empty structure or non-finite coordinates, ConfigError for
/// symprec ≤ 0 or a non-finite tolerance. Thread-safe (spglib keeps no state between calls that
/// we rely on; it does write a global error code that we never read).
SpaceGroupInfo analyzeSpaceGroup(const Structure& structure, const SymmetryOptions& options = {});

/// Crystal system name for a space-group number 1…230 ("triclinic", "monoclinic",
/// "orthorhombic", "tetragonal", "trigonal", "hexagonal", "cubic"); "" for 0 (no space group
/// found). Throws ValueError for any other number. Thread-safe.
std::string crystalSystemOf(int spaceGroupNumber);

/// Space-group number of a Hermann–Mauguin symbol, full or short, spaces and case ignored
/// ("Fm-3m", "F m -3 m", "P2_1/c", "p21/c"); 0 when none matches. Thread-safe.
int spaceGroupNumberOfSymbol(std::string_view symbol);

}  // namespace cw
