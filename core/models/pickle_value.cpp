#include "models/pickle_value.h"

namespace kestrel::models::pickle {

ValuePtr Value::make(Kind kind) {
    auto value = std::make_shared<Value>();
    value->kind = kind;
    return value;
}

std::string Value::kindText() const {
    switch (kind) {
    case Kind::None:
        return "None";
    case Kind::Bool:
        return "a bool";
    case Kind::Int:
        return "an int";
    case Kind::Float:
        return "a float";
    case Kind::String:
        return "a string";
    case Kind::Bytes:
        return "bytes";
    case Kind::Tuple:
        return "a tuple";
    case Kind::List:
        return "a list";
    case Kind::Dict:
        return "a dict";
    case Kind::Global:
        return "the global " + text;
    case Kind::Tensor:
        return "a tensor";
    }
    return "an unknown value";
}

void cutLinks(std::vector<ValuePtr>& values) {
    for (auto& value : values) {
        value->items.clear();
        value->entries.clear();
    }
    values.clear();
}

} // namespace kestrel::models::pickle
