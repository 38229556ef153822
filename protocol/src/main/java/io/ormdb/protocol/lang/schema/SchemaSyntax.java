package io.ormdb.protocol.lang.schema;

import io.ormdb.protocol.lang.internal.ExpressionParser.NameRef;
import io.ormdb.protocol.lang.internal.Token;
import io.ormdb.protocol.query.Expr;
import io.ormdb.protocol.query.Filter;
import io.ormdb.protocol.query.OrderSpec;
import io.ormdb.protocol.schema.Cardinality;
import io.ormdb.protocol.schema.IndexDef;
import io.ormdb.protocol.schema.Masking;
import io.ormdb.protocol.schema.OnDelete;
import io.ormdb.protocol.schema.PolicyDef;
import io.ormdb.protocol.schema.Sensitivity;
import io.ormdb.protocol.value.Value;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * The parsed schema text before it is checked: every name keeps its token so the checker can say
 * where a problem is. Mutable holders, filled in by {@link SchemaParser}, read by {@link
 * SchemaChecker}.
 */
final class SchemaSyntax {
  final List<EnumNode> enums = new ArrayList<>();
  final List<EntityNode> entities = new ArrayList<>();
  final List<PolicyNode> policies = new ArrayList<>();

  static final class EnumNode {
    Token name;
    final List<Token> variants = new ArrayList<>();
  }

  static final class EntityNode {
    Token name;
    final List<FieldNode> fields = new ArrayList<>();
    final List<RelationNode> relations = new ArrayList<>();

    /** Unique, check and foreign-key declarations in the order written. */
    final List<Object> constraints = new ArrayList<>();

    final List<IndexNode> indexes = new ArrayList<>();
    Token softDelete;
    Token orderBy;
    final List<OrderNode> order = new ArrayList<>();
  }

  static final class TypeNode {
    Token name;
    boolean array;
    boolean optional;

    /** The precision token of {@code decimal(p, s)}, else null. */
    Token precision;

    Token scale;
  }

  static final class FieldNode {
    Token name;
    TypeNode type;
    Token id;
    Token unique;
    Token index;
    DefaultNode defaultValue;
    Token sensitive;
    Sensitivity sensitivity;
    Token mask;
    Masking masking;

    /** The {@code =} of a computed field, else null. */
    Token assign;

    /** The expression after {@code =}, else null. */
    Expr expression;

    /** The fields the expression reads, with their tokens. */
    List<NameRef> expressionRefs = List.of();

    /** Session attributes the expression's conditions name (refused). */
    List<NameRef> expressionAttributes = List.of();

    /** {@code @stored}, else null. */
    Token stored;
  }

  /** {@code @default(...)}: a literal value, or a name ({@code now}, {@code uuid}, a variant). */
  static final class DefaultNode {
    Token at;

    /** The name when the default is a bare name; else null. */
    Token name;

    /** The literal when the default is not a bare name. */
    Value literal;

    /** The literal's source text (decimals are read from it exactly). */
    String literalText;

    Token literalToken;
  }

  static final class RelationNode {
    Token name;
    Cardinality cardinality;
    Token target;
    Token by;
    Token fromField;
    Token toField;
    Token through;
    Token edgeFromField;
    Token edgeToField;

    /** The {@code '{'} of the link fields that declare the edge entity here, else null. */
    Token linkOpen;

    /** The link fields written in {@code { ... }} after the edge (null without a block). */
    List<FieldNode> linkFields;

    Token onDeleteToken;
    OnDelete onDelete;
  }

  static final class UniqueNode {
    Token keyword;
    Token name;
    final List<Token> fields = new ArrayList<>();
  }

  static final class IndexNode {
    Token keyword;
    Token name;
    final List<Token> fields = new ArrayList<>();
    IndexDef.Kind kind = IndexDef.Kind.BTREE;
    boolean unique;
  }

  static final class CheckNode {
    Token keyword;
    Token name;
    Filter expression;
    String source;
    List<NameRef> fieldRefs;
    List<NameRef> attributeRefs;
  }

  static final class ForeignKeyNode {
    Token keyword;
    Token name;
    Token field;
    Token references;
    Token referencedField;
    OnDelete onDelete;
  }

  static final class OrderNode {
    Token field;
    OrderSpec.Direction direction;
    OrderSpec.Nulls nulls;
  }

  static final class PolicyNode {
    Token name;
    Token entity;
    PolicyDef.Kind kind = PolicyDef.Kind.PERMISSIVE;
    final Set<PolicyDef.Operation> operations = EnumSet.noneOf(PolicyDef.Operation.class);
    Filter using;
    List<NameRef> fieldRefs;
    String bypass;
  }
}
