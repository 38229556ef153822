package io.ormdb.protocol.lang.internal;

import io.ormdb.protocol.Suggestions;
import io.ormdb.protocol.lang.ParseException;
import java.util.Collection;
import java.util.List;

/** A cursor over the tokens of one text, with the expect/accept helpers both parsers use. */
public final class TokenStream {
  private final String source;
  private final List<Token> tokens;
  private int index;

  public TokenStream(String source) {
    this.source = source;
    this.tokens = Lexer.tokenize(source);
  }

  public String source() {
    return source;
  }

  public Token peek() {
    return tokens.get(index);
  }

  /** The token {@code ahead} places after the current one (EOF past the end). */
  public Token peek(int ahead) {
    return tokens.get(Math.min(index + ahead, tokens.size() - 1));
  }

  /** The token before the current one (the last consumed). */
  public Token previous() {
    return tokens.get(Math.max(0, index - 1));
  }

  public Token next() {
    Token t = tokens.get(index);
    if (t.kind() != TokenKind.EOF) {
      index++;
    }
    return t;
  }

  public boolean at(TokenKind kind) {
    return peek().kind() == kind;
  }

  public boolean atKeyword(String word) {
    return peek().isKeyword(word);
  }

  public boolean accept(TokenKind kind) {
    if (at(kind)) {
      next();
      return true;
    }
    return false;
  }

  public boolean acceptKeyword(String word) {
    if (atKeyword(word)) {
      next();
      return true;
    }
    return false;
  }

  /** Consumes a token of {@code kind} or fails with {@code expected '<symbol>' but found ...}. */
  public Token expect(TokenKind kind) {
    if (!at(kind)) {
      throw unexpected("'" + kind.symbol() + "'");
    }
    return next();
  }

  /** Consumes the keyword {@code word} or fails, suggesting it when the found name is close. */
  public Token expectKeyword(String word) {
    if (!atKeyword(word)) {
      throw unexpectedSuggesting("'" + word + "'", List.of(word));
    }
    return next();
  }

  /** Consumes a name (any identifier) or fails with {@code expected <what> but found ...}. */
  public Token expectName(String what) {
    if (!at(TokenKind.IDENT)) {
      throw unexpected(what);
    }
    return next();
  }

  /** Consumes one of {@code words}; a close miss gets a did-you-mean. */
  public Token expectOneOf(String what, Collection<String> words) {
    for (String w : words) {
      if (atKeyword(w)) {
        return next();
      }
    }
    throw unexpectedSuggesting(what, words);
  }

  /** {@code expected <what> but found <current token>}. */
  public ParseException unexpected(String what) {
    return error(peek(), "expected " + what + " but found " + peek().describe());
  }

  /** Like {@link #unexpected} with a did-you-mean when the current token is a close name. */
  public ParseException unexpectedSuggesting(String what, Collection<String> candidates) {
    Token t = peek();
    String hint = t.kind() == TokenKind.IDENT ? Suggestions.didYouMean(t.value(), candidates) : "";
    return error(t, "expected " + what + " but found " + t.describe() + hint);
  }

  public static ParseException error(Token at, String detail) {
    return new ParseException(at.line(), at.column(), detail);
  }

  /** The source text from the start of {@code from} to the end of {@code to}. */
  public String text(Token from, Token to) {
    return source.substring(from.start(), to.end());
  }
}
