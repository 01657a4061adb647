#pragma once

#include <string>
#include <string_view>

namespace kestrel::report {

// `text` made safe as the content of an element or of a double-quoted attribute, in HTML
// and in XML alike: & < > " ' become character references, control characters other than
// tab and newline are dropped (XML forbids them), and bytes that are not UTF-8 (a Latin-1
// file name, say) become U+FFFD, so one odd path cannot make the whole file unreadable.
std::string escapeHtml(std::string_view text);

} // namespace kestrel::report
