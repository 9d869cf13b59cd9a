package tw.tongbao.gateway.citizen;

import java.util.List;

/**
 * One page of a filer's changes, newest first ({@code GET /api/v1/changes?page=&size=}).
 *
 * @param items the changes on this page
 * @param page zero-based page number
 * @param size most items per page
 * @param totalItems how many changes the filer has in all
 */
record ChangePage(List<ChangeView> items, int page, int size, long totalItems) {}
