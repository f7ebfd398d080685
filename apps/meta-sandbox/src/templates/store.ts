import { parseTemplateDefinition, type TemplateDefinition } from '@coexist/core';
import { templateObjectId } from '../state/ids.js';
import { STOCK_TEMPLATES } from './stock.js';

export interface TemplateRecord {
  id: string;
  name: string;
  language: string;
  /** APPROVED, PENDING, REJECTED, PAUSED, DISABLED, … */
  status: string;
  category: string;
  sub_category?: string;
  parameter_format: 'POSITIONAL' | 'NAMED';
  components: Array<Record<string, unknown>>;
}

/** Fields `GET /<WABA>/message_templates` returns when `fields` is not given (Meta's default set). */
export const DEFAULT_TEMPLATE_FIELDS = [
  'name',
  'parameter_format',
  'components',
  'language',
  'status',
  'category',
  'sub_category',
  'id',
] as const;

export const TEMPLATE_FIELDS = new Set<string>([
  ...DEFAULT_TEMPLATE_FIELDS,
  'quality_score',
  'rejected_reason',
  'previous_category',
]);

/**
 * One WABA's templates. Sends are judged with `checkTemplateMessage` from @coexist/core
 * against the parsed definitions, which are rebuilt only when a template changes.
 */
export class TemplateStore {
  private readonly records: TemplateRecord[] = [];
  private definitions: TemplateDefinition[] | null = null;

  constructor(stock = true) {
    if (stock) {
      for (const template of STOCK_TEMPLATES) {
        this.records.push({ id: templateObjectId(), status: 'APPROVED', ...structuredClone(template) });
      }
    }
  }

  all(): readonly TemplateRecord[] {
    return this.records;
  }

  find(name: string, language: string): TemplateRecord | undefined {
    return this.records.find((t) => t.name === name && t.language === language);
  }

  byId(id: string): TemplateRecord | undefined {
    return this.records.find((t) => t.id === id);
  }

  named(name: string): TemplateRecord[] {
    return this.records.filter((t) => t.name === name);
  }

  add(record: Omit<TemplateRecord, 'id'>): TemplateRecord {
    const created = { id: templateObjectId(), ...record };
    this.records.push(created);
    this.definitions = null;
    return created;
  }

  setStatus(record: TemplateRecord, status: string): void {
    record.status = status;
    this.definitions = null;
  }

  /** The templates as @coexist/core reads them, for send-time checks. */
  parsed(): readonly TemplateDefinition[] {
    if (this.definitions === null) {
      this.definitions = [];
      for (const record of this.records) {
        const parsed = parseTemplateDefinition(record);
        if (parsed.ok) this.definitions.push(parsed.template);
      }
    }
    return this.definitions;
  }

  /** Restores records saved in a state file. */
  static from(records: TemplateRecord[]): TemplateStore {
    const store = new TemplateStore(false);
    store.records.push(...records);
    return store;
  }
}
