#pragma once

#include "weights/download.h"

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace kestrel::weights {

// One architecture's pretrained weights kept in the store.
struct StoredWeights {
    std::string model;          // the architecture, e.g. "resnet18"
    std::filesystem::path file; // the state_dict, inside the store
    std::string sha256;         // of the file, 64 hex digits
    std::string source;         // the URL it came from, or the file it was imported from
};

// Pretrained weights on this machine, shared by every project: one state_dict per
// architecture in <folder>/<model>/, described by <folder>/<model>/weights.json. A file enters
// under a temporary name and is renamed into place only after it is checked, and weights.json
// is replaced atomically after it, so a killed process leaves the previous weights in use.
class WeightsStore {
public:
    explicit WeightsStore(std::filesystem::path folder);

    // $KESTREL_WEIGHTS_DIR, else $XDG_DATA_HOME/kestrel/weights, else
    // ~/.local/share/kestrel/weights.
    static std::filesystem::path defaultFolder();

    const std::filesystem::path& folder() const { return folder_; }

    // Everything stored, by model name. Throws kestrel::Error (Corrupt) naming a weights.json
    // that cannot be read.
    std::vector<StoredWeights> list() const;
    std::optional<StoredWeights> find(const std::string& model) const;

    // Keeps a copy of `file` as `model`'s weights, replacing earlier ones, after checking that
    // it is a state_dict of that architecture (every tensor fits a fresh model by name and
    // shape; another class count in the head is allowed). Throws kestrel::Error naming the file
    // and what does not fit; the store is then unchanged.
    StoredWeights importFile(const std::filesystem::path& file, const std::string& model);

    // Downloads `url` as `model`'s weights. When the URL's file name carries a SHA-256 prefix
    // (torchvision's "resnet18-f37072fd.pth"), the file must match it. Throws kestrel::Error
    // with one sentence for an unreachable server (naming `weights import` as the offline way),
    // an HTTP error, a cut-off or cancelled transfer, a hash that differs or a file that is not
    // a state_dict of `model`; nothing is kept then.
    StoredWeights fetch(const std::string& model, const std::string& url,
                        const DownloadObserver& observer = {});

private:
    StoredWeights keep(const std::filesystem::path& incoming, const std::string& model,
                       const std::string& fileName, const std::string& sha256,
                       const std::string& source);
    std::filesystem::path incomingPath(const std::string& model) const;

    std::filesystem::path folder_;
};

} // namespace kestrel::weights
