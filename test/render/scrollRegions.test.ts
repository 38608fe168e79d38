// The template tables' scroll regions: a labelled <section> (a region by itself), not a div with
// role=region, which html-validate's prefer-native-element flags on every page that has one.
import { select } from 'hast-util-select';
import { describe, expect, it } from 'vitest';
import { catalogueTable } from '../../templates/catalogue.tsx';
import { asElement } from '../../templates/hast.ts';

describe('catalogueTable', () => {
  it('scrolls in a labelled, focusable section with no role attribute', () => {
    const wrapper = asElement(catalogueTable('最新公开信息', []));
    expect(wrapper.tagName).toBe('section');
    expect(wrapper.properties).toMatchObject({ className: ['table-scroll'], ariaLabel: '最新公开信息（表格，可横向滚动）', tabIndex: 0 });
    expect(wrapper.properties.role).toBeUndefined();
    expect(select('table.catalogue-table', wrapper)).toBeDefined();
  });
});
