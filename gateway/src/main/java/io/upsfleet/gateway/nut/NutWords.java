package io.upsfleet.gateway.nut;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The word syntax of NUT's network protocol (nut {@code common/parseconf.c}): words split on
 * whitespace, {@code "..."} groups a word, a backslash escapes the next character, and a bare
 * {@code #} starts a comment. Values sent back are quoted with {@code "}, {@code \} and {@code #}
 * escaped, as upsd does.
 */
public final class NutWords {
  /** Words a command line may have at most. */
  static final int MAX_WORDS = 16;

  private NutWords() {}

  /**
   * The words of {@code line}; empty when it cannot be parsed (an unterminated quote, a trailing
   * backslash, a {@code #} inside quotes, or more than {@link #MAX_WORDS} words).
   */
  public static Optional<List<String>> parse(String line) {
    List<String> words = new ArrayList<>();
    StringBuilder word = null;
    boolean quoted = false;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (c == '\\') {
        if (i + 1 >= line.length()) return Optional.empty();
        if (word == null) word = new StringBuilder();
        word.append(line.charAt(++i));
      } else if (quoted) {
        if (c == '"') {
          quoted = false;
          words.add(word.toString());
          word = null;
        } else if (c == '#') {
          return Optional.empty();
        } else {
          word.append(c);
        }
      } else if (c == '"') {
        if (word != null) words.add(word.toString());
        word = new StringBuilder();
        quoted = true;
      } else if (c == '#') {
        break;
      } else if (Character.isWhitespace(c)) {
        if (word != null) {
          words.add(word.toString());
          word = null;
        }
      } else {
        if (word == null) word = new StringBuilder();
        word.append(c);
      }
      if (words.size() > MAX_WORDS) return Optional.empty();
    }
    if (quoted) return Optional.empty();
    if (word != null) words.add(word.toString());
    return words.size() > MAX_WORDS ? Optional.empty() : Optional.of(words);
  }

  /** {@code value} in double quotes, with {@code "}, {@code \} and {@code #} escaped. */
  public static String quote(String value) {
    StringBuilder b = new StringBuilder(value.length() + 2).append('"');
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '"' || c == '\\' || c == '#') b.append('\\');
      // A line break inside a value would end the reply line: never sent as such.
      b.append(c == '\n' || c == '\r' ? ' ' : c);
    }
    return b.append('"').toString();
  }
}
